package dev.parley.server.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * docs/operations.md's settings table is the one {@link SettingsTable} makes from the declared
 * settings: a setting added, renamed or given another default without the table following, or
 * a row edited by hand, fails here with the table the document should hold. Run with
 * {@code -Dparley.writeSettingsTable=true} to write it into the document instead.
 */
class SettingsDocumentedTest {
    private static final Path DOC = Path.of("..", "docs", "operations.md");

    @Test
    void theSettingsTableIsTheOneMadeFromTheDeclaredSettings() throws IOException {
        List<String> doc = Files.readAllLines(DOC, StandardCharsets.UTF_8);
        int start = doc.indexOf(SettingsTable.HEADER);
        assertThat(start).as("docs/operations.md has a line " + SettingsTable.HEADER).isNotNegative();
        int end = start;
        while (end < doc.size() && doc.get(end).startsWith("|")) {
            end++;
        }
        List<String> expected = SettingsTable.lines();
        if (doc.subList(start, end).equals(expected)) {
            return;
        }
        if (Boolean.getBoolean("parley.writeSettingsTable")) {
            List<String> updated = new ArrayList<>(doc.subList(0, start));
            updated.addAll(expected);
            updated.addAll(doc.subList(end, doc.size()));
            Files.write(DOC, updated, StandardCharsets.UTF_8);
            return;
        }
        fail("docs/operations.md's settings table differs from the declared settings (Settings.java); it should be"
                + " (or run this test with -Dparley.writeSettingsTable=true):\n" + String.join("\n", expected));
    }

    @Test
    void everySettingOfTheSchemaIsDeclaredOnceWithItsOwnVariable() {
        List<String> names = Settings.all().stream().map(Setting::name).toList();
        assertThat(names).doesNotHaveDuplicates();
        assertThat(Settings.all().stream().map(Setting::environmentName).toList()).doesNotHaveDuplicates();
        assertThat(ConfigLoader.SCHEMA.values().stream().mapToInt(java.util.Set::size).sum()).isEqualTo(names.size());
        assertThat(Settings.LIMITS_MAX_BODY_BYTES.environmentName()).isEqualTo("PARLEY_LIMITS_MAX_BODY_BYTES");
        assertThat(Settings.STORAGE_DATA_DIR.environmentName()).isEqualTo("PARLEY_STORAGE_DATA_DIR");
    }
}
