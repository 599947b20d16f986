package dev.parley.core.profile;

import dev.parley.core.ChatException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The display name and status rules, one case per trick they shut out. */
class DisplayNamesTest {

    @Test
    void namesInAnyScriptAreKeptNormalizedTrimmedAndCollapsed() {
        assertThat(DisplayNames.displayName("  Zoe\u0308   Ng ")).isEqualTo("Zo\u00eb Ng");
        assertThat(DisplayNames.displayName("山田 太郎")).isEqualTo("山田 太郎");
        assertThat(DisplayNames.displayName("やまだ山田")).isEqualTo("やまだ山田"); // Han + Hiragana in one word
        assertThat(DisplayNames.displayName("محمد")).isEqualTo("محمد");
        assertThat(DisplayNames.displayName("می\u200Cخواهم")).isEqualTo("می\u200Cخواهم"); // ZWNJ inside a Persian word
        assertThat(DisplayNames.displayName("\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67")).isNotNull(); // a family emoji
        assertThat(DisplayNames.displayName("\uD83D\uDC4D\uD83C\uDFFD")).isNotNull(); // thumbs up, skin tone
        assertThat(DisplayNames.displayName("  ")).isNull();
        assertThat(DisplayNames.status("")).isNull();
    }

    @Test
    void tricksAreRefused() {
        for (String trick : new String[]{
                "p\u0430ypal",          // Cyrillic a among Latin letters
                "\u202Eevil",           // right-to-left override
                "\u2066isolate\u2069",  // bidi isolates
                "a\u200Eb",             // left-to-right mark
                "a\u200Bb",             // zero-width space
                "a\u2060b",             // word joiner
                "x\u00A0y",             // no-break space
                "a\u200Db",             // zero-width joiner between letters
                "a\uFE0F",              // variation selector after a letter
                "\u3164\u3164",         // Hangul fillers (look empty)
                "\u2800",               // Braille blank
                "a\uE000",              // private use
                "line\nbreak",
                "-_-",                  // nothing to read
                "x".repeat(65)}) {
            assertThatThrownBy(() -> DisplayNames.displayName(trick))
                    .as("%s", trick.codePoints().mapToObj(Integer::toHexString).toList())
                    .isInstanceOfSatisfying(ChatException.class,
                            e -> assertThat(e.refusal()).isEqualTo(ChatException.Refusal.INVALID));
        }
        assertThatThrownBy(() -> DisplayNames.status("\u202Ehidden")).isInstanceOf(ChatException.class);
        assertThatThrownBy(() -> DisplayNames.status("y".repeat(141))).isInstanceOf(ChatException.class);
    }

    @Test
    void aStatusMayMixScripts() {
        assertThat(DisplayNames.status("Привет, world!")).isEqualTo("Привет, world!");
    }
}
