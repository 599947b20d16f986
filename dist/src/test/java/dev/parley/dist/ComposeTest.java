package dev.parley.dist;

import dev.parley.server.ServerConfig;
import dev.parley.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * deploy/compose.yaml without Docker: each node's environment (the image's ENV, then the
 * compose file's) goes through Parley's own configuration loader, so a misspelt or invalid
 * setting fails here; the nodes, HAProxy's servers, Prometheus's targets, the shard databases
 * and the shared push key agree with each other.
 */
class ComposeTest {
    private static final Path DEPLOY = Distribution.ROOT.resolve("deploy");
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Z_]+)(:[?-][^}]*)?}");

    @Test
    void threeNodesOnTheShardsRedisAndOneSharedPushKey() throws Exception {
        Map<String, Object> compose = yaml(DEPLOY.resolve("compose.yaml"));
        Map<String, Object> services = map(compose.get("services"));
        Dockerfile image = Dockerfile.read(DEPLOY.resolve("Dockerfile"));
        List<String> nodes = services.keySet().stream().filter(s -> s.startsWith("parley")).sorted().toList();
        assertThat(nodes).containsExactly("parley1", "parley2", "parley3");

        Set<Integer> numbers = new HashSet<>();
        Set<String> dataVolumes = new HashSet<>();
        String sql = Files.readString(DEPLOY.resolve("postgres/shards.sql"));
        for (String name : nodes) {
            Map<String, Object> node = merged(map(services.get(name)));
            assertThat(map(node.get("build"))).containsEntry("context", "..").containsEntry("dockerfile", "deploy/Dockerfile");
            Map<String, Object> dependsOn = map(node.get("depends_on"));
            assertThat(dependsOn).containsKeys("postgres", "redis");
            if (!name.equals(nodes.get(0))) {
                // The first node makes the shared push key; two nodes making it at once could each
                // keep a different one.
                assertThat(map(dependsOn.get(nodes.get(0)))).containsEntry("condition", "service_healthy");
            }

            Map<String, String> env = new LinkedHashMap<>(image.env());
            map(node.get("environment")).forEach((k, v) -> env.put(k, interpolate(String.valueOf(v))));
            ServerConfig c = ConfigLoader.load(null, env);
            assertThat(c.host()).isEqualTo("0.0.0.0");
            assertThat(c.storage().type()).isEqualTo(ServerConfig.StorageType.POSTGRES);
            assertThat(c.storage().postgresUrls()).hasSize(2);
            for (String url : c.storage().postgresUrls()) {
                Matcher u = Pattern.compile("jdbc:postgresql://([a-z0-9]+):5432/([a-z0-9_]+)").matcher(url);
                assertThat(u.matches()).as(url).isTrue();
                assertThat(services).containsKey(u.group(1));
                assertThat(sql).contains("CREATE DATABASE " + u.group(2) + ";");
            }
            assertThat(c.cluster().type()).isEqualTo(ServerConfig.ClusterType.REDIS);
            assertThat(services).containsKey(c.cluster().redisUri().replaceAll("redis://([a-z0-9]+):\\d+", "$1"));
            numbers.add(c.cluster().nodeNumber());

            List<String> volumes = list(node.get("volumes"));
            assertThat(c.push().vapidKeyFile(c.dataDir()).toString()).startsWith("/var/lib/parley-shared/");
            assertThat(c.attachments().directory(c.dataDir()).toString()).as("attachments every node reaches")
                    .startsWith("/var/lib/parley-shared/");
            assertThat(volumes).contains("shared:/var/lib/parley-shared");
            String data = volumes.stream().filter(v -> v.endsWith(":" + c.dataDir())).findFirst().orElseThrow();
            dataVolumes.add(data);
        }
        assertThat(numbers).as("distinct node numbers").hasSize(3);
        assertThat(dataVolumes).as("a data volume per node").hasSize(3);

        Set<String> backends = new TreeSet<>();
        Matcher server = Pattern.compile("(?m)^\\s*server \\S+ ([a-z0-9]+):(\\d+) check").matcher(Files.readString(DEPLOY.resolve("haproxy.cfg")));
        while (server.find()) {
            backends.add(server.group(1) + ":" + server.group(2));
        }
        Set<String> expected = new TreeSet<>(nodes.stream().map(n -> n + ":8080").toList());
        assertThat(backends).isEqualTo(expected);
        Map<String, Object> prometheus = yaml(DEPLOY.resolve("prometheus/prometheus.yml"));
        Map<String, Object> job = map(list(prometheus.get("scrape_configs")).get(0));
        assertThat(job).containsEntry("job_name", "parley");
        assertThat(new TreeSet<>(list(map(list(job.get("static_configs")).get(0)).get("targets")))).isEqualTo(expected);
    }

    @Test
    void haproxyAcceptsTheComposeConfiguration() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/haproxy")), "skipped: haproxy is not installed (.ci/run installs it)");
        Distribution.run(List.of("/usr/sbin/haproxy", "-c", "-f", DEPLOY.resolve("haproxy.cfg").toString()));
    }

    /** The compose value of a variable: the test's stand-in for a secret, or its default. */
    private static String interpolate(String value) {
        Matcher m = INTERPOLATION.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String spec = m.group(2);
            m.appendReplacement(out, spec != null && spec.startsWith(":-") ? spec.substring(2) : "test-" + m.group(1).toLowerCase());
        }
        return m.appendTail(out).toString();
    }

    /** YAML merge keys ({@code <<: *anchor}), which compose applies and YAML 1.2 leaves alone. */
    private static Map<String, Object> merged(Map<String, Object> node) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (node.get("<<") instanceof Map<?, ?> base) {
            out.putAll(merged(map(base)));
        }
        node.forEach((k, v) -> {
            if (!k.equals("<<")) {
                out.put(k, v instanceof Map<?, ?> m && out.get(k) instanceof Map<?, ?> b ? mergeMaps(map(b), merged(map(m))) : v);
            }
        });
        return out;
    }

    private static Map<String, Object> mergeMaps(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        out.putAll(over);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        Map<String, Object> m = (Map<String, Object>) o;
        return m.containsKey("<<") ? merged(m) : m;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Object o) {
        return new ArrayList<>((List<T>) o);
    }

    private static Map<String, Object> yaml(Path file) throws Exception {
        return map(new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file)));
    }
}
