package dev.parley.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flat, typed access to the settings of a configuration: {@code section.key} values from the
 * YAML file, each overridable by the environment variable {@code PARLEY_SECTION_KEY} (the key in
 * upper snake case: {@code limits.maxBodyBytes} is {@code PARLEY_LIMITS_MAX_BODY_BYTES}).
 *
 * <p>String values may refer to secrets held elsewhere: {@code ${env:NAME}} is replaced by the
 * environment variable, {@code ${file:/path}} by the file's content without trailing newlines.
 * Every error names the setting.
 */
final class Settings {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]+)}");

    private final Map<String, Object> values;
    private final Map<String, String> env;
    private final Map<String, Set<String>> schema;

    private Settings(Map<String, Object> values, Map<String, String> env, Map<String, Set<String>> schema) {
        this.values = values;
        this.env = env;
        this.schema = schema;
    }

    /** Flattens the YAML document and checks every section and key against the schema. */
    static Settings of(Map<String, Object> document, Map<String, String> env, Map<String, Set<String>> schema) {
        Map<String, Object> flat = new HashMap<>();
        for (Map.Entry<String, Object> section : document.entrySet()) {
            String name = section.getKey();
            if (!schema.containsKey(name)) {
                throw new IllegalArgumentException(name + ": unknown section (known: " + new TreeSet<>(schema.keySet()) + ")");
            }
            if (section.getValue() == null) {
                continue;
            }
            if (!(section.getValue() instanceof Map<?, ?> entries)) {
                throw new IllegalArgumentException(name + ": must be a mapping of settings");
            }
            for (Map.Entry<?, ?> e : entries.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (!schema.get(name).contains(key)) {
                    throw new IllegalArgumentException(name + "." + key + ": unknown setting (known in " + name + ": "
                            + new TreeSet<>(schema.get(name)) + ")");
                }
                flat.put(name + "." + key, e.getValue());
            }
        }
        for (Map.Entry<String, Set<String>> section : schema.entrySet()) {
            for (String key : section.getValue()) {
                String var = envName(section.getKey(), key);
                if (env.containsKey(var)) {
                    flat.put(section.getKey() + "." + key, env.get(var));
                }
            }
        }
        return new Settings(flat, env, schema);
    }

    static String envName(String section, String key) {
        return "PARLEY_" + section.toUpperCase(Locale.ROOT) + "_"
                + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    boolean has(String setting) {
        return values.get(setting) != null;
    }

    String string(String setting, String fallback) {
        Object v = values.get(setting);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Map || v instanceof List) {
            throw new IllegalArgumentException(setting + ": must be a single value");
        }
        return resolve(setting, String.valueOf(v));
    }

    int integer(String setting, int fallback) {
        String s = string(setting, null);
        if (s == null) {
            return fallback;
        }
        long bytes = parseSize(setting, s);
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(setting + ": " + s + " is too large");
        }
        return (int) bytes;
    }

    /** A byte count, with an optional unit (KiB, MiB, GiB). */
    long size(String setting, long fallback) {
        String s = string(setting, null);
        return s == null ? fallback : parseSize(setting, s);
    }

    boolean bool(String setting, boolean fallback) {
        String s = string(setting, null);
        if (s == null) {
            return fallback;
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException(setting + ": must be true or false, not '" + s + "'");
        };
    }

    Duration duration(String setting, Duration fallback) {
        String s = string(setting, null);
        if (s == null) {
            return fallback;
        }
        Matcher m = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?").matcher(s.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(setting + ": must be a duration like 500ms, 25s, 5m, 12h or 30d, not '"
                    + s + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    Path path(String setting, Path fallback) {
        String s = string(setting, null);
        return s == null ? fallback : Path.of(s);
    }

    /** A list from a YAML sequence or a comma-separated string (as environment variables give it). */
    List<String> list(String setting, List<String> fallback) {
        Object v = values.get(setting);
        if (v == null) {
            return fallback;
        }
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            for (Object o : l) {
                out.add(resolve(setting, String.valueOf(o)));
            }
        } else {
            for (String part : resolve(setting, String.valueOf(v)).split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    private String resolve(String setting, String raw) {
        Matcher m = REFERENCE.matcher(raw);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value;
            if (m.group(1).equals("env")) {
                value = env.get(m.group(2));
                if (value == null) {
                    throw new IllegalArgumentException(setting + ": environment variable " + m.group(2) + " is not set");
                }
            } else {
                try {
                    value = Files.readString(Path.of(m.group(2))).stripTrailing();
                } catch (IOException e) {
                    throw new IllegalArgumentException(setting + ": cannot read secret file " + m.group(2));
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static long parseSize(String setting, String s) {
        Matcher m = Pattern.compile("(\\d+)\\s*(KiB|MiB|GiB|k|K|M|G)?").matcher(s.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(setting + ": must be a whole number (optionally with KiB, MiB or GiB), not '"
                    + s + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        return switch (unit) {
            case "KiB", "k", "K" -> n * 1024;
            case "MiB", "M" -> n * 1024 * 1024;
            case "GiB", "G" -> n * 1024 * 1024 * 1024;
            default -> n;
        };
    }

    static Map<String, Set<String>> schema(Object... sectionsAndKeys) {
        Map<String, Set<String>> schema = new HashMap<>();
        for (int i = 0; i < sectionsAndKeys.length; i += 2) {
            schema.put((String) sectionsAndKeys[i], Set.copyOf(Arrays.asList((String[]) sectionsAndKeys[i + 1])));
        }
        return schema;
    }
}
