package dev.parley.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The instructions of deploy/Dockerfile that decide how its final image runs (ENV, USER,
 * WORKDIR, ENTRYPOINT, CMD, HEALTHCHECK, VOLUME, EXPOSE), and every RUN, so a test can build the
 * image's files and run them the way Docker would, where Docker is not available.
 */
record Dockerfile(List<String> runs, Map<String, String> env, String user, String workdir, List<String> entrypoint,
                  List<String> cmd, String healthcheck, List<String> volumes, List<String> exposed) {
    private static final Pattern JSON_STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    static Dockerfile read(Path file) throws IOException {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            instructions.add(current.toString().strip());
            current.setLength(0);
        }
        List<String> runs = new ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        String user = "root";
        String workdir = "/";
        List<String> entrypoint = List.of();
        List<String> cmd = List.of();
        String healthcheck = null;
        List<String> volumes = new ArrayList<>();
        List<String> exposed = new ArrayList<>();
        for (String i : instructions) {
            String word = i.split("\\s+", 2)[0].toUpperCase();
            String rest = i.substring(word.length()).strip();
            switch (word) {
                case "FROM" -> { // a new stage: only the last one's settings make the image
                    env.clear();
                    user = "root";
                    workdir = "/";
                    entrypoint = List.of();
                    cmd = List.of();
                    healthcheck = null;
                    volumes.clear();
                    exposed.clear();
                }
                case "RUN" -> runs.add(rest);
                case "ENV" -> {
                    int eq = rest.indexOf('=');
                    String value = rest.substring(eq + 1);
                    env.put(rest.substring(0, eq), value.startsWith("\"") ? value.substring(1, value.length() - 1) : value);
                }
                case "USER" -> user = rest;
                case "WORKDIR" -> workdir = rest;
                case "ENTRYPOINT" -> entrypoint = jsonArray(rest);
                case "CMD" -> cmd = jsonArray(rest);
                case "HEALTHCHECK" -> healthcheck = rest.substring(rest.indexOf(" CMD ") + 5).strip();
                case "VOLUME" -> volumes.add(rest);
                case "EXPOSE" -> exposed.add(rest);
                default -> {
                }
            }
        }
        return new Dockerfile(runs, env, user, workdir, entrypoint, cmd, healthcheck, volumes, exposed);
    }

    private static List<String> jsonArray(String text) {
        if (!text.startsWith("[")) {
            throw new IllegalArgumentException("expected the exec form [\"...\"], got " + text);
        }
        List<String> out = new ArrayList<>();
        Matcher m = JSON_STRING.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
