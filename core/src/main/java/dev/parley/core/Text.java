package dev.parley.core;

/**
 * Text a client gives the node must be well-formed Unicode: a UTF-16 string with no lone
 * surrogate. Such a string cannot be written as UTF-8, so storing it would silently turn the
 * surrogate into {@code ?} and the stored text would differ from what was confirmed.
 */
public final class Text {
    private Text() {
    }

    public static boolean wellFormed(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** {@code s} itself; refused as {@code INVALID} naming {@code field} when it is not well-formed. */
    public static String require(String s, String field) {
        if (s != null && !wellFormed(s)) {
            throw ChatException.invalid(field + " is not valid Unicode text (it holds a lone UTF-16 surrogate)");
        }
        return s;
    }
}
