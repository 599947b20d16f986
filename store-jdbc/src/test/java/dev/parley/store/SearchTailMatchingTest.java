package dev.parley.store;

import dev.parley.core.search.SearchText;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What search finds among entries not yet indexed ({@link SearchText#startsWords}, read from the
 * text) against what it finds in SQLite's FTS5 index (the folded text, tokenized by
 * {@code unicode61}, queried as {@link JdbcSearchStore#ftsQuery} asks): the same for the query
 * forms the protocol documents (prefixes, several words, case, accents, non-Latin scripts, CJK by
 * character, digits, punctuation between words), so an entry is found by the same queries before
 * and after the writer indexes it.
 */
class SearchTailMatchingTest {
    private static Connection fts;

    @BeforeAll
    static void open() throws Exception {
        fts = DriverManager.getConnection("jdbc:sqlite::memory:");
        try (Statement s = fts.createStatement()) {
            s.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize = 'unicode61 remove_diacritics 0')");
        }
    }

    @AfterAll
    static void close() throws Exception {
        fts.close();
    }

    private static boolean indexFinds(String text, List<String> prefixes) throws Exception {
        try (Statement s = fts.createStatement()) {
            s.execute("DELETE FROM t");
        }
        try (PreparedStatement ins = fts.prepareStatement("INSERT INTO t (rowid, text) VALUES (1, ?)")) {
            ins.setString(1, SearchText.indexed(text));
            ins.executeUpdate();
        }
        try (PreparedStatement q = fts.prepareStatement("SELECT count(*) FROM t WHERE t MATCH ?")) {
            q.setString(1, JdbcSearchStore.ftsQuery(prefixes));
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0;
            }
        }
    }

    /** The query's prefixes as the search service makes them. */
    private static List<String> prefixes(String query) {
        Set<String> out = new LinkedHashSet<>();
        for (SearchText.Word w : SearchText.words(query)) {
            out.add(w.folded());
        }
        return List.copyOf(out);
    }

    @Test
    void theTailAndTheIndexFindTheSameForTheDocumentedQueries() throws Exception {
        List<String> texts = List.of("Rendez-vous au Café de Flore", "Встреча в Москве завтра", "東京で会いましょう",
                "cafeteria later?", "ZÜRICH 2026, naïve façade", "Ελληνικά ΟΔΟΣ οδός", "mixed 東京tower and ソウル",
                "email me: bob@example.com / +1-555-0100", "straße STRASSE", "don't stop-believing",
                "한국어 텍스트", "numbers 42 and 4.2 and 1,000", "ﬁle ligature ½ and ²", "tab\tnew\nline",
                "emoji 😀 between👍words", "İstanbul ıs", "Ørsted Æble Œuvre");
        List<String> queries = List.of("cafe", "CAFÉ flo", "caf", "flores", "москв", "Москве завтра", "東京", "京",
                "会い", "later", "zurich", "zür", "naive fac", "οδος", "ελλην", "tower", "東京tow", "ソウ", "bob",
                "example com", "555", "strasse", "straß", "don", "t stop", "believ", "한국", "텍", "42", "4 2", "1 000",
                "file", "fi", "tab new line", "emoji", "between", "words", "istanbul", "ıs", "is", "orsted", "ørs",
                "æble", "oeuvre", "œuv", "e", "a", "2026");
        List<String> differ = new ArrayList<>();
        int found = 0;
        for (String text : texts) {
            for (String query : queries) {
                List<String> p = prefixes(query);
                boolean tail = SearchText.startsWords(text, p);
                found += tail ? 1 : 0;
                if (tail != indexFinds(text, p)) {
                    differ.add("'" + query + "' in '" + text + "': tail " + tail);
                }
            }
        }
        assertThat(differ).isEmpty();
        assertThat(found).as("the cases include finds").isGreaterThan(40);
    }
}
