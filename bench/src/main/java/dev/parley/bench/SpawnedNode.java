package dev.parley.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A node started by this tool as a child process of the same Java and class path
 * ({@code java <jvm options> -cp <class path> dev.parley.app.Parley serve ...}), with its data in a
 * temporary directory, no practical send limit and cheap password hashing. It is stopped with
 * SIGTERM (the node's shutdown hook closes it cleanly) when the run ends.
 */
final class SpawnedNode extends Node {
    static final String MAIN_CLASS = "dev.parley.app.Parley";

    private final List<String> jvmOptions;
    private final String classpath;
    private final String durability;
    private final Path dataDir;
    private final Path log;
    private final boolean keepData;
    private final int port;
    private final List<String> extraArgs;
    private Process process;
    private int starts;

    private SpawnedNode(List<String> jvmOptions, String classpath, String durability, Path dataDir, Path log,
                        boolean keepData, int port, List<String> extraArgs) {
        this.jvmOptions = jvmOptions;
        this.classpath = classpath;
        this.durability = durability;
        this.dataDir = dataDir;
        this.log = log;
        this.keepData = keepData;
        this.port = port;
        this.extraArgs = extraArgs;
    }

    /**
     * Starts a node and returns once it answers {@code /health}. With a {@code dataDir} the node
     * uses (and keeps) it; otherwise a temporary one, removed at the end unless {@code keepData}.
     */
    static SpawnedNode start(List<String> jvmOptions, String classpath, String durability, Path log, boolean keepData,
                             List<String> extraArgs, Path dataDir) throws Exception {
        Path data = dataDir != null ? Files.createDirectories(dataDir) : Files.createTempDirectory("parley-bench-node-");
        SpawnedNode n = new SpawnedNode(jvmOptions, classpath, durability, data, log, keepData || dataDir != null,
                freePort(), extraArgs);
        n.launch();
        return n;
    }

    private void launch() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.addAll(List.of("-cp", classpath, MAIN_CLASS, "serve",
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--data", dataDir.toString(),
                "--durability", durability, "--sends-per-second", "1000000", "--send-burst", "1000000",
                "--fast-password-hashing", "--no-account-limits"));
        cmd.addAll(extraArgs);
        starts++;
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(starts == 1 ? ProcessBuilder.Redirect.to(log.toFile())
                        : ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = pb.start();
        awaitHealthy(Duration.ofSeconds(90), process.toHandle());
    }

    @Override
    String host() {
        return "127.0.0.1";
    }

    @Override
    int port() {
        return port;
    }

    @Override
    long pid() {
        return process == null ? -1 : process.pid();
    }

    @Override
    boolean restartable() {
        return true;
    }

    @Override
    long[] restart() throws Exception {
        long stopAt = System.nanoTime();
        stop();
        launch();
        return new long[] {stopAt, System.nanoTime()};
    }

    @Override
    JsonObject describe() {
        return new JsonObject().put("mode", "spawned").put("pid", pid()).put("port", port)
                .put("jvmOptions", new JsonArray(jvmOptions)).put("durability", durability)
                .put("dataDir", dataDir.toString()).put("log", log.toString()).put("extraArgs", new JsonArray(extraArgs));
    }

    private void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        if (!keepData) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temp directory is harmless
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
