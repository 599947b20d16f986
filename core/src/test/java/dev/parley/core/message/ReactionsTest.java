package dev.parley.core.message;

import dev.parley.core.ChatException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A reaction is one emoji: one grapheme cluster of the Unicode emoji set, nothing else. */
class ReactionsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "\uD83D\uDC4D",                                     // thumbs up
            "\uD83D\uDC4D\uD83C\uDFFD",                         // with a skin tone
            "\u2764\uFE0F",                                     // heart, emoji presentation
            "1\uFE0F\u20E3",                                    // keycap one
            "\uD83C\uDDEB\uD83C\uDDF7",                         // flag: France
            "\uD83D\uDC69\u200D\uD83D\uDC69\u200D\uD83D\uDC67", // family, a ZWJ sequence
            "\uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62\uDB40\uDC73\uDB40\uDC63\uDB40\uDC74\uDB40\uDC7F", // flag: Scotland
    })
    void oneEmojiIsAccepted(String emoji) {
        assertThat(Reactions.requireEmoji(emoji)).isEqualTo(emoji);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "a",
            "1",                             // an emoji character only with a keycap
            "#",
            "\u2764",                        // text presentation without the selector
            "\uD83D\uDC4D\uD83D\uDC4D",      // two emoji
            "\uD83D\uDC4D ",                 // with a space
            "\uD83D",                        // a lone surrogate
            "ok\uD83D\uDC4D",
    })
    void anythingElseIsRefused(String notOneEmoji) {
        assertThatThrownBy(() -> Reactions.requireEmoji(notOneEmoji)).isInstanceOfSatisfying(ChatException.class,
                e -> assertThat(e.refusal()).isEqualTo(ChatException.Refusal.INVALID));
    }
}
