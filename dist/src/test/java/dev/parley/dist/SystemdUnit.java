package dev.parley.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The [Service] settings of a systemd unit file, read so a test can start the service the way
 * systemd would where systemd is not running: its user, environment, directory and limits.
 */
record SystemdUnit(Map<String, List<String>> service) {

    static SystemdUnit read(Path file) throws IOException {
        Map<String, List<String>> service = new LinkedHashMap<>();
        String section = "";
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                section = line;
                continue;
            }
            int eq = line.indexOf('=');
            if (section.equals("[Service]") && eq > 0) {
                service.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
            }
        }
        return new SystemdUnit(service);
    }

    String one(String key) {
        List<String> v = service.get(key);
        if (v == null || v.size() != 1) {
            throw new IllegalStateException(key + " is set " + (v == null ? 0 : v.size()) + " times in the unit");
        }
        return v.get(0);
    }

    /** Environment= lines as variables; a line is one quoted or unquoted NAME=VALUE here. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : service.getOrDefault("Environment", List.of())) {
            String assignment = line.startsWith("\"") && line.endsWith("\"") ? line.substring(1, line.length() - 1) : line;
            int eq = assignment.indexOf('=');
            env.put(assignment.substring(0, eq), assignment.substring(eq + 1));
        }
        return env;
    }

    /** ExecStart split on spaces (the unit's command has no quoting). */
    List<String> execStart() {
        return List.of(one("ExecStart").split(" +"));
    }
}
