package dev.parley.core.search;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How text becomes search words: plain ASCII, accents and ideographs, each folded the same way. */
class SearchTextTest {
    @Test
    void asciiWordsAreFoldedToLowerCase() {
        assertThat(SearchText.indexed("Hello, World 42 t=123;xx")).isEqualTo("hello world 42 t 123 xx");
        assertThat(SearchText.words("Hi there")).containsExactly(new SearchText.Word(0, 2, "hi"),
                new SearchText.Word(3, 8, "there"));
    }

    @Test
    void accentsAndCompatibilityFormsAreFoldedAway() {
        assertThat(SearchText.indexed("Café ÉCOLE naïve ﬁne")).isEqualTo("cafe ecole naive fine");
    }

    @Test
    void eachIdeographIsAWordOfItsOwn() {
        assertThat(SearchText.indexed("東京abc会議")).isEqualTo("東 京 abc 会 議");
        assertThat(SearchText.indexed("ᄀx")).isEqualTo("ᄀ x"); // U+1100, the first Hangul character
    }

    /** What {@code indexed} meant before it skipped the words: their folded forms joined by spaces. */
    @Test
    void indexedIsTheWordsFoldedAndJoined() {
        java.util.Random random = new java.util.Random(19);
        String alphabet = "aZ09 .,;-_'\"é́ÉßﬁıİŞ東京서울ᄀ\u00a0\t\n😀\uD83D";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder();
            for (int i = random.nextInt(30); i > 0; i--) {
                sb.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x3000) : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = sb.toString();
            String joined = String.join(" ", SearchText.words(text).stream().map(SearchText.Word::folded).toList());
            assertThat(SearchText.indexed(text)).as("indexed(%s)", text).isEqualTo(joined);
        }
    }
}
