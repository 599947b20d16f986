package dev.parley.core.profile;

import dev.parley.core.ChatException;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.EnumSet;
import java.util.Set;

/**
 * The rules for the text a user shows others about themselves: display names and status lines.
 * Usernames are safe by being ASCII only; display names may be any language, so they are held to
 * what keeps a name from lying about what it shows.
 *
 * <ul>
 *   <li>NFC-normalized, trimmed, runs of spaces collapsed; one line.</li>
 *   <li>No control, format, private-use, unassigned or surrogate code points: this shuts out bidi
 *       overrides and isolates (U+202A..U+202E, U+2066..U+2069, marks U+200E, U+200F, U+061C),
 *       zero-width characters and tags. Zero-width joiners are kept only between emoji (family and
 *       profession emoji need them); variation selectors only after an emoji.</li>
 *   <li>No other invisible "letters" (Hangul fillers, the Braille blank, Khmer inherent vowels) and
 *       no space other than U+0020, so a name cannot look empty or pad itself.</li>
 *   <li>At most {@value #MAX_MARKS} combining marks in a row (no text spilling over its line).</li>
 *   <li>Each word in one script, or in one of the combinations Unicode's "highly restrictive"
 *       identifier level allows (Latin with Han and Japanese kana, with Han and Bopomofo, or with Han
 *       and Hangul): "Аlice" with a Cyrillic A is refused, "Иван Smith" is not (UTS #39, section 5.2).</li>
 *   <li>A display name needs at least one letter, digit or emoji.</li>
 * </ul>
 *
 * <p>Written on the JDK's Unicode tables ({@link Character}, {@link Normalizer}) because the core
 * takes no dependencies; ICU's SpoofChecker would add 14 MB for the same rules. Display names are
 * not unique: the username is, and clients show it where a user looks at someone's profile.
 */
public final class DisplayNames {
    public static final int MAX_NAME = 64;
    public static final int MAX_STATUS = 140;
    static final int MAX_MARKS = 4;
    private static final int ZWJ = 0x200D;
    private static final int ZWNJ = 0x200C;

    private static final Set<Character.UnicodeScript> NEUTRAL = EnumSet.of(Character.UnicodeScript.COMMON,
            Character.UnicodeScript.INHERITED, Character.UnicodeScript.UNKNOWN);
    private static final Set<Character.UnicodeScript> JAPANESE = EnumSet.of(Character.UnicodeScript.LATIN,
            Character.UnicodeScript.HAN, Character.UnicodeScript.HIRAGANA, Character.UnicodeScript.KATAKANA);
    private static final Set<Character.UnicodeScript> CHINESE = EnumSet.of(Character.UnicodeScript.LATIN,
            Character.UnicodeScript.HAN, Character.UnicodeScript.BOPOMOFO);
    private static final Set<Character.UnicodeScript> KOREAN = EnumSet.of(Character.UnicodeScript.LATIN,
            Character.UnicodeScript.HAN, Character.UnicodeScript.HANGUL);

    private DisplayNames() {
    }

    /** The display name as stored, or INVALID with the rule it breaks. Null and blank mean "none" (null). */
    public static String displayName(String raw) {
        String name = clean(raw, "displayName", MAX_NAME);
        if (name == null) {
            return null;
        }
        boolean visible = false;
        for (String word : name.split(" ")) {
            requireOneScript(word);
        }
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (Character.isLetterOrDigit(cp) || Character.isEmoji(cp) && cp > 0x7f) {
                visible = true;
            }
            i += Character.charCount(cp);
        }
        if (!visible) {
            throw ChatException.invalid("displayName needs at least one letter, digit or emoji");
        }
        return name;
    }

    /** The status line as stored (null and blank mean none). */
    public static String status(String raw) {
        return clean(raw, "status", MAX_STATUS);
    }

    private static String clean(String raw, String field, int maxCodePoints) {
        if (raw == null) {
            return null;
        }
        String s = Normalizer.normalize(raw, Normalizer.Form.NFC);
        StringBuilder out = new StringBuilder(s.length());
        int marks = 0;
        int previous = -1;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            int next = i < s.length() ? s.codePointAt(i) : -1;
            if (cp == ' ') {
                if (out.length() > 0 && previous != ' ') {
                    out.append(' ');
                }
                previous = ' ';
                marks = 0;
                continue;
            }
            check(cp, previous, next, field);
            int type = Character.getType(cp);
            boolean mark = type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                    || type == Character.COMBINING_SPACING_MARK;
            marks = mark ? marks + 1 : 0;
            if (marks > MAX_MARKS) {
                throw ChatException.invalid(field + " has more than " + MAX_MARKS + " combining marks in a row");
            }
            out.appendCodePoint(cp);
            previous = cp;
        }
        String result = out.toString().strip();
        if (result.isEmpty()) {
            return null;
        }
        if (result.codePointCount(0, result.length()) > maxCodePoints
                || result.getBytes(StandardCharsets.UTF_8).length > maxCodePoints * 4) {
            throw ChatException.invalid(field + " must be at most " + maxCodePoints + " characters");
        }
        return result;
    }

    private static void check(int cp, int previous, int next, String field) {
        int type = Character.getType(cp);
        if (cp == ZWJ) {
            if (previous >= 0 && next >= 0 && (emojiLike(previous)) && Character.isEmoji(next)) {
                return;
            }
            throw ChatException.invalid(field + " may use a zero-width joiner only between emoji");
        }
        if (cp == ZWNJ) {
            if (previous >= 0 && next >= 0 && Character.isLetter(previous) && Character.isLetter(next)
                    && Character.UnicodeScript.of(previous) != Character.UnicodeScript.LATIN
                    && Character.UnicodeScript.of(previous) == Character.UnicodeScript.of(next)) {
                return;
            }
            throw ChatException.invalid(field + " may use a zero-width non-joiner only inside a word of its script");
        }
        if ((cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF)) {
            if (previous >= 0 && Character.isEmoji(previous)) {
                return;
            }
            throw ChatException.invalid(field + " may use a variation selector only after an emoji");
        }
        if (cp >= 0x1F3FB && cp <= 0x1F3FF) {
            return; // skin tones: emoji modifiers, shown as part of the emoji before them
        }
        switch (type) {
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE,
                 Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR ->
                    throw ChatException.invalid(field + " must not contain invisible, control or direction-changing"
                            + " characters (U+" + Integer.toHexString(cp).toUpperCase(java.util.Locale.ROOT) + ")");
            case Character.SPACE_SEPARATOR -> throw ChatException.invalid(field + " may use only the plain space (U+0020)");
            default -> {
            }
        }
        if (invisibleLetter(cp)) {
            throw ChatException.invalid(field + " must not contain invisible characters (U+"
                    + Integer.toHexString(cp).toUpperCase(java.util.Locale.ROOT) + ")");
        }
    }

    private static boolean emojiLike(int cp) {
        return Character.isEmoji(cp) || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0x1F3FB && cp <= 0x1F3FF);
    }

    /** Default-ignorable code points the general categories above let through (DerivedCoreProperties.txt). */
    private static boolean invisibleLetter(int cp) {
        return cp == 0x034F || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5
                || (cp >= 0x180B && cp <= 0x180F) || cp == 0x2800 || cp == 0x3164 || cp == 0xFFA0
                || (cp >= 0x1D173 && cp <= 0x1D17A) || (cp >= 0x1BCA0 && cp <= 0x1BCA3);
    }

    private static void requireOneScript(String word) {
        EnumSet<Character.UnicodeScript> scripts = EnumSet.noneOf(Character.UnicodeScript.class);
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            i += Character.charCount(cp);
            Character.UnicodeScript script = Character.UnicodeScript.of(cp);
            if (!NEUTRAL.contains(script)) {
                scripts.add(script);
            }
        }
        if (scripts.size() <= 1 || JAPANESE.containsAll(scripts) || CHINESE.containsAll(scripts)
                || KOREAN.containsAll(scripts)) {
            return;
        }
        throw ChatException.invalid("displayName mixes scripts within one word (" + scripts.stream()
                .map(s -> s.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList()
                + "), as look-alike names do; use one script per word");
    }
}
