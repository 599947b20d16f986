package dev.parley.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads every declared {@link Setting} from a parsed YAML document and the environment: the
 * {@code section.key} value from the file, overridden by the setting's {@code PARLEY_*}
 * variable. Unknown sections and keys in the file are refused, so a typo does not silently fall
 * back to a default.
 *
 * <p>String values may refer to secrets held elsewhere: {@code ${env:NAME}} is replaced by the
 * environment variable, {@code ${file:/path}} by the file's content without trailing newlines.
 * Every error names the setting, and the variable when the value came from one.
 */
final class SettingSource {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]+)}");

    private SettingSource() {
    }

    /** The YAML file's sections and their keys, as the catalogue declares them. */
    static Map<String, Set<String>> schema() {
        Map<String, Set<String>> schema = new TreeMap<>();
        for (Setting<?> s : Settings.all()) {
            schema.computeIfAbsent(s.section(), k -> new TreeSet<>()).add(s.key());
        }
        return schema;
    }

    /** The settings {@code document} and {@code env} set; those from the environment are in {@code fromEnvironment}. */
    static SettingValues read(Map<String, Object> document, Map<String, String> env, Set<Setting<?>> fromEnvironment) {
        Map<String, Object> file = flatten(document, schema());
        Map<Setting<?>, Object> values = new LinkedHashMap<>();
        for (Setting<?> s : Settings.all()) {
            Object raw = file.get(s.name());
            String variable = env.get(s.environmentName());
            if (variable != null) {
                raw = variable;
                fromEnvironment.add(s);
            }
            if (raw != null) {
                values.put(s, convert(s, raw, env, variable != null));
            }
        }
        return SettingValues.of(values);
    }

    private static Map<String, Object> flatten(Map<String, Object> document, Map<String, Set<String>> schema) {
        Map<String, Object> flat = new LinkedHashMap<>();
        for (Map.Entry<String, Object> section : document.entrySet()) {
            String name = section.getKey();
            if (!schema.containsKey(name)) {
                throw new IllegalArgumentException(name + ": unknown section (known: " + schema.keySet() + ")");
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
                            + schema.get(name) + ")");
                }
                flat.put(name + "." + key, e.getValue());
            }
        }
        return flat;
    }

    private static Object convert(Setting<?> s, Object raw, Map<String, String> env, boolean fromEnvironment) {
        try {
            Object resolved;
            if (raw instanceof List<?> items) {
                List<String> out = new ArrayList<>();
                for (Object item : items) {
                    out.add(resolve(s, String.valueOf(item), env));
                }
                resolved = out;
            } else if (raw instanceof Map<?, ?>) {
                throw new IllegalArgumentException("must be a single value");
            } else {
                resolved = resolve(s, String.valueOf(raw), env);
            }
            return parseAndCheck(s, resolved);
        } catch (IllegalArgumentException e) {
            String problem = e.getMessage().startsWith(s.name() + ": ") ? e.getMessage() : s.name() + ": " + e.getMessage();
            throw new IllegalArgumentException(problem + (fromEnvironment ? " (from " + s.environmentName() + ")" : ""));
        }
    }

    private static <T> T parseAndCheck(Setting<T> s, Object resolved) {
        return s.check(s.kind().parse(resolved));
    }

    private static String resolve(Setting<?> s, String raw, Map<String, String> env) {
        Matcher m = REFERENCE.matcher(raw);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value;
            if (m.group(1).equals("env")) {
                value = env.get(m.group(2));
                if (value == null) {
                    throw new IllegalArgumentException("environment variable " + m.group(2) + " is not set");
                }
            } else {
                try {
                    value = Files.readString(Path.of(m.group(2))).stripTrailing();
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read secret file " + m.group(2));
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
