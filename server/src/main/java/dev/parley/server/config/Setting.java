package dev.parley.server.config;

import java.util.Locale;
import java.util.function.Predicate;

/**
 * One setting of a node, declared once in {@link Settings}: where it sits in the YAML file
 * ({@code section.key}), its type, its default, and the line docs/operations.md shows for it.
 * Everything else about it is derived: the environment variable that overrides it, the loader's
 * schema and type conversion, the settings table. Rules between settings and ranges are checked
 * by the {@link dev.parley.server.ServerConfig} section the value lands in, which calls
 * {@link #check} for each of its settings and checks the rules between them.
 *
 * @param fallback the default, or null when the setting is unset by default
 * @param shownDefault how the table shows the default when {@link Kind#show} of {@code fallback}
 *                     would not say it well (a derived or computed default); null to derive it
 * @param secret never shown in full, and the table says to use a reference for it
 * @param valid what a value of this setting alone must satisfy (null: any); rules between
 *              settings are the section record's
 * @param rule what {@code valid} asks, as errors and the table say it ({@code must be 1 to 64})
 */
public record Setting<T>(String section, String key, Kind<T> kind, T fallback, String shownDefault, String meaning,
                         boolean secret, Predicate<T> valid, String rule) {

    public Setting {
        if (!section.matches("[a-z]+") || !key.matches("[a-z][A-Za-z0-9]*")) {
            throw new IllegalArgumentException("a setting is section.camelCaseKey, not " + section + "." + key);
        }
        if (meaning == null || meaning.isBlank() || meaning.contains("\n")) {
            throw new IllegalArgumentException(section + "." + key + ": needs a one-line meaning");
        }
    }

    /** {@code section.key}, as errors and docs name it. */
    public String name() {
        return section + "." + key;
    }

    /** {@code PARLEY_SECTION_KEY}, the key in upper snake case: {@code limits.maxBodyBytes} is {@code PARLEY_LIMITS_MAX_BODY_BYTES}. */
    public String environmentName() {
        return "PARLEY_" + section.toUpperCase(Locale.ROOT) + "_"
                + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    /** The default as docs/operations.md shows it. */
    public String documentedDefault() {
        if (shownDefault != null) {
            return shownDefault;
        }
        return fallback == null ? "none" : kind.show(fallback);
    }

    /** The same setting with the table showing {@code text} as its default. */
    public Setting<T> shownAs(String text) {
        return new Setting<>(section, key, kind, fallback, text, meaning, secret, valid, rule);
    }

    /** The same setting, marked as a secret. */
    public Setting<T> asSecret() {
        return new Setting<>(section, key, kind, fallback, shownDefault, meaning, true, valid, rule);
    }

    /** The same setting, whose values must satisfy {@code test}, as {@code rule} says ({@code must be 1 to 64}). */
    public Setting<T> valid(Predicate<T> test, String rule) {
        return new Setting<>(section, key, kind, fallback, shownDefault, meaning, secret, test, rule);
    }

    /** {@code value}, if it satisfies this setting's rule; otherwise an error naming the setting and the rule. */
    public T check(T value) {
        if (valid != null && !valid.test(value)) {
            throw new IllegalArgumentException(name() + ": " + rule);
        }
        return value;
    }

    @Override
    public String toString() {
        return name();
    }
}
