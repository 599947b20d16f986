package dev.parley.dist;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * deploy/grafana/parley.json and deploy/prometheus/alerts.yml against a real node (started from
 * the release archive, after some chat): every series they query exists in its /metrics, with
 * the label values they match. promtool (Debian's prometheus package) checks and unit-tests the
 * rules where it is installed.
 */
class MonitoringIT {
    private static final Path DEPLOY = Distribution.ROOT.resolve("deploy");
    // Series that come from elsewhere: Prometheus itself, and node_exporter for the disk.
    private static final Set<String> NOT_FROM_PARLEY = Set.of("up", "node_filesystem_avail_bytes", "node_filesystem_size_bytes");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+\\S+.*$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TempDir
    static Path dir;
    private static NodeRun node;
    private static Map<String, List<Map<String, String>>> exported;

    @BeforeAll
    static void startNodeAndScrape() throws Exception {
        Path home = Distribution.untar(Distribution.anyJdkTarball(), dir.resolve("unpacked"));
        int port = NodeRun.freePort();
        node = NodeRun.start(List.of(home.resolve("bin/parley").toString(), "serve", "--port", Integer.toString(port),
                        "--data", dir.resolve("data").toString()),
                Map.of("PATH", "/usr/bin:/bin", "JAVA_HOME", System.getProperty("java.home"), "HOME", dir.toString()),
                dir, port, dir.resolve("node.log"));
        TwoUsersChat.run(node.uri(), "something to measure");
        exported = parse(node.get("/metrics"));
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void everySeriesTheDashboardAndAlertsQueryIsExportedWithTheLabelValuesTheyMatch() throws Exception {
        List<String> expressions = new ArrayList<>(dashboardExpressions());
        expressions.addAll(alertExpressions());
        assertThat(expressions).hasSizeGreaterThan(20);
        List<String> problems = new ArrayList<>();
        for (String expr : expressions) {
            for (PromQl.Selector s : PromQl.selectors(expr)) {
                if (NOT_FROM_PARLEY.contains(s.metric())) {
                    continue;
                }
                List<Map<String, String>> samples = exported.get(s.metric());
                if (samples == null) {
                    problems.add(s.metric() + " is not in /metrics (in: " + expr + ")");
                    continue;
                }
                for (PromQl.Selector.Matcher m : s.matchers()) {
                    if (Set.of("job", "instance").contains(m.label()) || m.value().contains("$") || m.op().startsWith("!")) {
                        continue; // target labels Prometheus adds, Grafana variables, exclusions
                    }
                    for (String wanted : m.op().equals("=~") ? List.of(m.value().split("\\|")) : List.of(m.value())) {
                        if (samples.stream().noneMatch(l -> wanted.equals(l.get(m.label())))) {
                            problems.add(s.metric() + " has no " + m.label() + "=\"" + wanted + "\" (in: " + expr + ")");
                        }
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void dashboardShowsWhatAnOperatorWatches() throws Exception {
        String all = String.join("\n", dashboardExpressions());
        for (String series : List.of("parley_connections", "parley_messages_received_total", "parley_send_delivery_seconds_bucket",
                "parley_errors_total", "parley_store_writer_queue", "parley_push_total", "jvm_memory_used_bytes",
                "jvm_gc_pause_seconds_sum")) {
            assertThat(all).as("a panel on " + series).contains(series);
        }
    }

    @Test
    void promtoolChecksTheRulesAndTheirUnitTestsPass() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/promtool")),
                "skipped: promtool is not installed (apt-get install prometheus; .ci/run installs it)");
        Path prometheus = DEPLOY.resolve("prometheus");
        Distribution.run(List.of("promtool", "check", "rules", prometheus.resolve("alerts.yml").toString()));
        Distribution.run(List.of("promtool", "check", "config", prometheus.resolve("prometheus.yml").toString()));
        String tested = Distribution.run(List.of("promtool", "test", "rules", prometheus.resolve("alerts.test.yml").toString()));
        assertThat(tested).contains("SUCCESS");
    }

    private static List<String> dashboardExpressions() throws Exception {
        Object json = new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(DEPLOY.resolve("grafana/parley.json")));
        List<String> out = new ArrayList<>();
        collect(json, "expr", out);
        // Template variables: label_values(SELECTOR, label) queries SELECTOR.
        List<String> definitions = new ArrayList<>();
        collect(json, "definition", definitions);
        for (String d : definitions) {
            Matcher m = Pattern.compile("label_values\\((.*),\\s*[a-zA-Z_]+\\)").matcher(d);
            assertThat(m.matches()).as(d).isTrue();
            out.add(m.group(1));
        }
        return out;
    }

    private static List<String> alertExpressions() throws Exception {
        Object yaml = new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(DEPLOY.resolve("prometheus/alerts.yml")));
        List<String> out = new ArrayList<>();
        collect(yaml, "expr", out);
        return out;
    }

    private static void collect(Object node, String key, List<String> out) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (key.equals(k) && v instanceof String s) {
                    out.add(s);
                } else {
                    collect(v, key, out);
                }
            });
        } else if (node instanceof List<?> list) {
            list.forEach(v -> collect(v, key, out));
        }
    }

    /** Prometheus text format: each sample name with the label sets it is exported with. */
    private static Map<String, List<Map<String, String>>> parse(String text) {
        Map<String, List<Map<String, String>>> out = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            out.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(labels);
        }
        return out;
    }
}
