package dev.parley.server.config;

import java.util.List;

/**
 * The settings table of docs/operations.md, made from {@link Settings}: one row per setting with
 * its environment variable, default, the rule its value must follow and its meaning. SettingsDocumentedTest keeps the document equal
 * to it.
 */
public final class SettingsTable {
    public static final String HEADER = "| section | key | environment | default | rule | meaning |";

    private SettingsTable() {
    }

    /** The table's lines, header first. */
    public static List<String> lines() {
        List<String> out = new java.util.ArrayList<>();
        out.add(HEADER);
        out.add("|---|---|---|---|---|---|");
        for (Setting<?> s : Settings.all()) {
            String meaning = s.meaning() + (s.secret() ? " (a secret: give it as `${env:NAME}` or `${file:/path}`)" : "");
            out.add("| " + s.section() + " | " + s.key() + " | `" + s.environmentName() + "` | "
                    + cell(s.documentedDefault()) + " | " + (s.rule() == null ? "" : cell(s.rule())) + " | " + cell(meaning)
                    + " |");
        }
        return out;
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
