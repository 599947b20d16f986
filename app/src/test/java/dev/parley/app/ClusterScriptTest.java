package dev.parley.app;

import dev.parley.testkit.PostgresDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code scripts/cluster.sh} on ports and databases of the test's choosing (one given as options,
 * the other through the environment): two nodes and HAProxy come up there, everything they write
 * lands in the cluster's folder, and {@code down} says "stopped" only once every process is gone.
 */
class ClusterScriptTest {
    static final Path SCRIPT = Path.of("..", "scripts", "cluster.sh").toAbsolutePath().normalize();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path tmp;

    @Test
    void upAndDownOnThePortsAndDatabasesItIsGiven() throws Exception {
        for (String tool : List.of("/usr/bin/psql", "/usr/bin/curl")) {
            assumeTrue(Files.isExecutable(Path.of(tool)), tool + " is not installed; scripts/cluster.sh not tested");
        }
        PostgresDatabases.create(0).close(); // skips the test, saying why, when PostgreSQL is not there
        assumeTrue(redisAnswers(), "Redis is not running on 127.0.0.1:6379; .ci/run starts it");
        String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        List<String> databases = List.of("parley_script_" + suffix + "_a", "parley_script_" + suffix + "_b");
        Path cluster = tmp.resolve("my cluster");
        int port = freePortRun(3);
        Path node = writeNodeCommand();
        Map<String, String> env = Map.of("PARLEY_CLUSTER_COMMAND", node.toString(),
                "PARLEY_CLUSTER_DATABASES", String.join(",", databases));
        List<String> options = List.of("--dir", cluster.toString(), "--port", Integer.toString(port),
                "--namespace", "parley-script-" + suffix);
        try {
            String up = script(env, options, "up", "2");
            assertThat(up).contains("node 1: http://127.0.0.1:" + (port + 1)).contains("node 2: http://127.0.0.1:" + (port + 2));
            assertThat(ready(port + 1)).isEqualTo(200);
            assertThat(ready(port + 2)).isEqualTo(200);
            if (Files.isExecutable(Path.of("/usr/sbin/haproxy"))) {
                assertThat(up).contains("haproxy: http://127.0.0.1:" + port);
                awaitReady(port);
            }
            assertThat(existing(databases)).containsExactlyInAnyOrderElementsOf(databases);
            // Everything under the cluster's folder: node data, the shared VAPID key, logs, pids.
            assertThat(cluster.resolve("node1")).isDirectory();
            assertThat(cluster.resolve("node2")).isDirectory();
            assertThat(cluster.resolve("vapid.json")).isRegularFile();
            assertThat(cluster.resolve("node2.log")).isRegularFile();
            List<Long> pids = new ArrayList<>();
            try (var files = Files.list(cluster)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".pid")).toList()) {
                    pids.add(Long.parseLong(Files.readAllLines(f).getFirst().strip()));
                }
            }
            assertThat(pids).hasSizeGreaterThanOrEqualTo(2);
            assertThat(script(env, options, "status")).contains("node1: running").contains("node2: running");

            String down = script(env, options, "down");
            assertThat(down.strip()).endsWith("stopped");
            for (long pid : pids) {
                assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("pid %d after 'stopped'", pid)
                        .isEmpty();
            }
            assertThat(script(env, options, "status")).contains("nothing running");
        } finally {
            script(env, options, "down");
            drop(databases);
        }
    }

    /** Runs the script; returns its output, failing on a non-zero exit. */
    private String script(Map<String, String> env, List<String> options, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        cmd.addAll(options);
        cmd.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
        assertThat(p.exitValue()).as("%s:%n%s", cmd, out).isZero();
        return out;
    }

    /** A node command running this build's classes, as {@code ./parley} would run the packaged jar. */
    private Path writeNodeCommand() throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path f = tmp.resolve("parley-node.sh");
        Files.writeString(f, "#!/bin/sh\nexec '" + java + "' -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp '"
                + System.getProperty("java.class.path") + "' dev.parley.app.Parley \"$@\"\n");
        f.toFile().setExecutable(true);
        return f;
    }

    private static int ready(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void awaitReady(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ready(port) != 200) {
            assertThat(System.nanoTime()).as("ready on %d", port).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static boolean redisAnswers() {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", 6379)) {
            s.setSoTimeout(2_000);
            s.getOutputStream().write("PING\r\n".getBytes());
            return new String(s.getInputStream().readNBytes(5)).equals("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /** The first of {@code n} consecutive free ports. */
    private static int freePortRun(int n) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = 20_000 + ThreadLocalRandom.current().nextInt(30_000);
            boolean free = true;
            for (int i = 0; i < n && free; i++) {
                try (ServerSocket s = new ServerSocket(base + i)) {
                    s.setReuseAddress(true);
                } catch (IOException taken) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no run of " + n + " free ports");
    }

    private static List<String> existing(List<String> names) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(PostgresDatabases.SERVER + "postgres", PostgresDatabases.USER, null);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT datname FROM pg_database")) {
            while (rs.next()) {
                if (names.contains(rs.getString(1))) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static void drop(List<String> names) throws SQLException {
        try (Connection c = DriverManager.getConnection(PostgresDatabases.SERVER + "postgres", PostgresDatabases.USER, null);
             Statement st = c.createStatement()) {
            for (String name : names) {
                st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }
}
