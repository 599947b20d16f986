package dev.parley.core.search;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How text is cut into words for search, the same for what is indexed and what is asked: runs of
 * letters and digits, folded to lower case without accents ("Café" is found by "cafe"), and each
 * Han, Hiragana, Katakana or Hangul character a word of its own (those scripts do not separate
 * words with spaces). The storage engines index the folded words, so SQLite and PostgreSQL find
 * the same entries.
 */
public final class SearchText {
    /** Below U+1100 (Hangul Jamo) no character is Han, Hiragana, Katakana or Hangul. */
    private static final int FIRST_IDEOGRAPHIC = 0x1100;

    private SearchText() {
    }

    /** A word of a text: where it stands (UTF-16 offsets) and its folded form. */
    public record Word(int start, int end, String folded) {
    }

    public static List<Word> words(String text) {
        List<Word> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int len = Character.charCount(cp);
            if (ideographic(cp)) {
                out.add(new Word(i, i + len, fold(text.substring(i, i + len))));
                i += len;
            } else if (Character.isLetterOrDigit(cp)) {
                int start = i;
                i += len;
                while (i < text.length()) {
                    int next = text.codePointAt(i);
                    if (!continuesWord(next)) {
                        break;
                    }
                    i += Character.charCount(next);
                }
                String folded = fold(text.substring(start, i));
                if (!folded.isEmpty()) {
                    out.add(new Word(start, i, folded));
                }
            } else {
                i += len;
            }
        }
        return out;
    }

    /**
     * Whether each of {@code prefixes} (folded words of a query) starts a word of {@code text}:
     * what a query finds, read from the text itself (for entries not yet in an index).
     */
    public static boolean startsWords(String text, List<String> prefixes) {
        List<Word> words = words(text);
        for (String p : prefixes) {
            boolean found = false;
            for (Word w : words) {
                if (w.folded().startsWith(p)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    /**
     * The folded words of {@code text}, separated by spaces: what the index holds. The words of
     * {@link #words}, folded alike, but without a substring, a folded copy and a {@link Word} per
     * word: an ASCII word's lower case goes straight into the result (the sender's event loop
     * folds every message; those were ~5% of what a node allocated per message, issue 19).
     */
    public static String indexed(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int len = Character.charCount(cp);
            if (ideographic(cp)) {
                separate(sb).append(fold(text.substring(i, i + len)));
                i += len;
            } else if (Character.isLetterOrDigit(cp)) {
                int start = i;
                boolean ascii = cp < 0x80;
                i += len;
                while (i < text.length()) {
                    int next = text.codePointAt(i);
                    if (!continuesWord(next)) {
                        break;
                    }
                    ascii &= next < 0x80;
                    i += Character.charCount(next);
                }
                if (ascii) {
                    // fold() of an ASCII word is its lower case (Locale.ROOT: only A-Z change).
                    separate(sb);
                    for (int k = start; k < i; k++) {
                        char c = text.charAt(k);
                        sb.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
                    }
                } else {
                    String folded = fold(text.substring(start, i));
                    if (!folded.isEmpty()) {
                        separate(sb).append(folded);
                    }
                }
            } else {
                i += len;
            }
        }
        return sb.toString();
    }

    /** The space before a word, unless it is the first. */
    private static StringBuilder separate(StringBuilder sb) {
        if (!sb.isEmpty()) {
            sb.append(' ');
        }
        return sb;
    }

    static String fold(String word) {
        if (ascii(word)) {
            // NFKD leaves ASCII as it is and ASCII has no marks: the usual word skips the
            // normalizer (the sender's event loop folds every message, issue 19).
            return word.toLowerCase(Locale.ROOT);
        }
        String decomposed = Normalizer.normalize(word, Normalizer.Form.NFKD);
        StringBuilder sb = new StringBuilder(decomposed.length());
        decomposed.codePoints().filter(c -> !mark(c)).forEach(sb::appendCodePoint);
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    /** Whether {@code cp} continues a word of letters and digits (ASCII answered without table lookups). */
    private static boolean continuesWord(int cp) {
        if (cp < 0x80) {
            return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
        }
        return (Character.isLetterOrDigit(cp) || mark(cp)) && !ideographic(cp);
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static boolean mark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    private static boolean ideographic(int cp) {
        if (cp < FIRST_IDEOGRAPHIC) {
            return false; // the script lookup is a binary search: most text never needs it
        }
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL;
    }
}
