package dev.parley.core.message;

import dev.parley.core.ChatException;

import java.util.regex.Pattern;

/**
 * The rules for a reaction: what counts as an emoji, and how many one user may put on one entry.
 */
public final class Reactions {
    /** Distinct emoji one user may have on one entry at once. */
    public static final int MAX_PER_USER = 3;
    /** The longest emoji accepted, in UTF-16 chars: family and flag sequences fit with room to spare. */
    static final int MAX_CHARS = 32;

    /** Exactly one extended grapheme cluster. */
    private static final Pattern ONE_CLUSTER = Pattern.compile("\\X");

    private Reactions() {
    }

    /**
     * {@code emoji} itself when it is one emoji of the Unicode emoji set, written as one grapheme
     * cluster: a single emoji, a keycap, a flag, a ZWJ sequence, an emoji with a skin tone or an
     * emoji presentation selector. Refused as {@code INVALID} otherwise (text, several emoji, a
     * digit or {@code #} on its own, which are emoji characters only with a keycap).
     */
    public static String requireEmoji(String emoji) {
        if (emoji == null || emoji.isEmpty() || emoji.length() > MAX_CHARS || !dev.parley.core.Text.wellFormed(emoji)
                || !ONE_CLUSTER.matcher(emoji).matches() || !isEmoji(emoji)) {
            throw ChatException.invalid("emoji must be one emoji");
        }
        return emoji;
    }

    private static boolean isEmoji(String s) {
        boolean presented = Character.isEmojiPresentation(s.codePointAt(0));
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == 0xFE0F || cp == 0x20E3) {
                // The emoji presentation selector, or a keycap: either makes an emoji of what it follows.
                presented = true;
            } else if (!(Character.isEmoji(cp) || cp == 0x200D || (cp >= 0xE0020 && cp <= 0xE007F))) {
                // Only emoji, joiners and the tag characters of subdivision flags may follow.
                return false;
            }
        }
        return presented;
    }
}
