package dev.parley.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A node started by this tool as a child process of the same Java and class path
 * ({@code java <jvm options> -cp <class path> dev.parley.app.Parley serve ...}), with its data in a
 * temporary directory, no practical send limit and cheap password hashing. It is stopped with
 * SIGTERM (the node's shutdown hook closes it cleanly) when the run ends.
 */
final class SpawnedNode extends Node {
    static final String MAIN_CLASS = ServeProcess.MAIN_CLASS;

    private final List<String> jvmOptions;
    private final String durability;
    private final boolean keepData;
    private final List<String> extraArgs;
    private final Path log;
    private final ServeProcess process;

    private SpawnedNode(List<String> jvmOptions, String classpath, String durability, Path dataDir, Path log,
                        boolean keepData, int port, List<String> extraArgs) {
        this.jvmOptions = jvmOptions;
        this.durability = durability;
        this.keepData = keepData;
        this.extraArgs = extraArgs;
        this.log = log;
        List<String> serveArgs = new ArrayList<>(List.of("--durability", durability, "--sends-per-second", "1000000",
                "--send-burst", "1000000", "--fast-password-hashing", "--no-account-limits"));
        serveArgs.addAll(extraArgs);
        this.process = new ServeProcess(jvmOptions, classpath, dataDir, port, serveArgs, log);
    }

    /**
     * Starts a node and returns once it answers {@code /health}. With a {@code dataDir} the node
     * uses (and keeps) it; otherwise a temporary one, removed at the end unless {@code keepData}.
     */
    static SpawnedNode start(List<String> jvmOptions, String classpath, String durability, Path log, boolean keepData,
                             List<String> extraArgs, Path dataDir) throws Exception {
        Path data = dataDir != null ? Files.createDirectories(dataDir) : Files.createTempDirectory("parley-loadgen-node-");
        Files.deleteIfExists(log); // one log per run; restarts append to it
        SpawnedNode n = new SpawnedNode(jvmOptions, classpath, durability, data, log, keepData || dataDir != null,
                ServeProcess.freePort(), extraArgs);
        n.process.start(Duration.ofSeconds(90));
        return n;
    }

    @Override
    String host() {
        return "127.0.0.1";
    }

    @Override
    int port() {
        return process.port();
    }

    @Override
    long pid() {
        return process.pid();
    }

    @Override
    boolean restartable() {
        return true;
    }

    @Override
    long[] restart() throws Exception {
        long stopAt = System.nanoTime();
        process.terminate(Duration.ofSeconds(30));
        long exitedAt = System.nanoTime();
        process.start(Duration.ofSeconds(90));
        return new long[] {stopAt, System.nanoTime(), exitedAt};
    }

    @Override
    JsonObject describe() {
        return new JsonObject().put("mode", "spawned").put("pid", pid()).put("port", port())
                .put("jvmOptions", new JsonArray(jvmOptions)).put("durability", durability)
                .put("dataDir", process.dataDir().toString()).put("log", log.toString()).put("extraArgs", new JsonArray(extraArgs));
    }

    @Override
    public void close() {
        try {
            process.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!keepData) {
            ScratchDirectory.remove(process.dataDir());
        }
    }
}
