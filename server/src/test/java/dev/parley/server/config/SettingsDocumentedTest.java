package dev.parley.server.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/operations.md's settings table names exactly the settings the node reads: each
 * {@code section.key} the configuration loader knows has a row, and every row names a setting it
 * knows. A setting added without its line in the table, or a line left for a setting that is
 * gone, fails here.
 */
class SettingsDocumentedTest {
    private static final Path DOC = Path.of("..", "docs", "operations.md");

    @Test
    void theSettingsTableListsEverySettingTheNodeReadsAndNoOther() throws IOException {
        Set<String> documented = new TreeSet<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(DOC, StandardCharsets.UTF_8)) {
            if (line.startsWith("| section | key | default | meaning |")) {
                inTable = true;
                continue;
            }
            if (!inTable || line.startsWith("|---")) {
                continue;
            }
            if (!line.startsWith("|")) {
                break;
            }
            String[] cells = line.split("\\|");
            String section = cells[1].strip();
            for (String key : cells[2].split(",")) {
                documented.add(section + "." + key.strip());
            }
        }
        Set<String> read = new TreeSet<>();
        for (Map.Entry<String, Set<String>> e : new TreeMap<>(ConfigLoader.SCHEMA).entrySet()) {
            for (String key : e.getValue()) {
                read.add(e.getKey() + "." + key);
            }
        }
        assertThat(documented).as("settings in docs/operations.md's table").isNotEmpty();
        Set<String> missing = new TreeSet<>(read);
        missing.removeAll(documented);
        Set<String> unknown = new TreeSet<>(documented);
        unknown.removeAll(read);
        assertThat(missing).as("settings the node reads that the table does not list").isEmpty();
        assertThat(unknown).as("rows of the table that name no setting").isEmpty();
    }
}
