package dev.parley.store;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** SQLite's JSON reads back exactly the strings {@link JsonText} wrote, whatever they hold. */
class JsonTextTest {

    @Test
    void sqliteReadsBackEveryStringAsWritten() throws Exception {
        StringBuilder controls = new StringBuilder();
        for (char c = 1; c < 0x20; c++) {
            controls.append(c);
        }
        List<String> texts = List.of("", "plain words", "\"quoted\"", "back\\slash \\\" \\u0041", controls.toString(),
                "café zürich 東京 ﷺ", "emoji 😀 and 𝔘", "/slash 'single' \u007f \u2028 \u2029", "a,b]c[d{e}");
        StringBuilder array = new StringBuilder("[");
        for (String t : texts) {
            // As the indexer writes them: [id, text] arrays in an array.
            array.append(array.length() > 1 ? "," : "").append("[0,");
            JsonText.append(array, t);
            array.append(']');
        }
        array.append(']');

        List<String> read = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
             PreparedStatement ps = c.prepareStatement("SELECT j.value ->> 1 FROM json_each(?) j ORDER BY j.key")) {
            ps.setString(1, array.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    read.add(rs.getString(1));
                }
            }
        }
        assertThat(read).isEqualTo(texts);
    }
}
