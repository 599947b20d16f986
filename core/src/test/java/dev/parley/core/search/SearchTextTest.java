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
}
