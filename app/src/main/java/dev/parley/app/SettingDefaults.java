package dev.parley.app;

import dev.parley.server.config.Setting;
import dev.parley.server.config.Settings;

import java.util.ListResourceBundle;

/**
 * The declared settings' defaults as a resource bundle, so {@code parley serve --help} says a
 * flag's default as {@code ${bundle:server.host}} instead of writing it a second time. Keys are
 * the settings' names ({@code section.key}).
 */
public final class SettingDefaults extends ListResourceBundle {
    @Override
    protected Object[][] getContents() {
        return Settings.all().stream().map(s -> new Object[]{s.name(), s.documentedDefault()}).toArray(Object[][]::new);
    }

    /** Each setting on a line: its name, its environment variable, its default and what it is. */
    static String listing() {
        StringBuilder out = new StringBuilder();
        for (Setting<?> s : Settings.all()) {
            out.append(String.format("%-36s %-46s %s%n    %s%n", s.name(), s.environmentName(), s.documentedDefault(),
                    s.meaning()));
        }
        return out.toString();
    }
}
