package dev.parley.server.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real node in a separate JVM ({@link ForkedNodeMain}) with the JVM options a test gives, for
 * example a small heap: what the node holds can then be read from the outside (its resident
 * memory), and running out of memory ends that process, not the test's.
 */
public final class ForkedNode implements AutoCloseable {
    private static final int KEPT_LINES = 200;

    private final Process process;
    private final Deque<String> output = new ArrayDeque<>();
    private final CompletableFuture<Integer> ready = new CompletableFuture<>();
    private int port;

    private ForkedNode(Process process) {
        this.process = process;
        Thread reader = new Thread(this::readOutput, "forked-node-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a node with the YAML configuration {@code yaml} (storage under {@code dir}, port
     * chosen by the node) and {@code jvmOptions}; returns once it serves.
     */
    public static ForkedNode start(Path dir, String yaml, List<String> jvmOptions) throws Exception {
        Path config = dir.resolve("node.yaml");
        Files.writeString(config, "server: {host: 127.0.0.1, port: 0}\n"
                + "storage: {dataDir: '" + dir.resolve("data") + "', durability: os}\n"
                + "passwords: {memoryKiB: 64, iterations: 1, parallelism: 1}\n" + yaml);
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ForkedNodeMain.class.getName(),
                config.toString()));
        ForkedNode node = new ForkedNode(new ProcessBuilder(cmd).redirectErrorStream(true).start());
        try {
            node.port = node.ready.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            node.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("forked node did not start:\n" + node.output(), e);
        }
        return node;
    }

    private void readOutput() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                    if (output.size() > KEPT_LINES) {
                        output.removeFirst();
                    }
                }
                if (line.startsWith(ForkedNodeMain.READY)) {
                    ready.complete(Integer.parseInt(line.substring(ForkedNodeMain.READY.length()).trim()));
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        ready.completeExceptionally(new IllegalStateException("the node exited before it was ready"));
    }

    public int port() {
        return port;
    }

    public URI httpUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public URI wsUri() {
        return URI.create("ws://127.0.0.1:" + port + "/v1/ws");
    }

    public Rest rest() {
        return new Rest(httpUri());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end by itself; returns its exit status, or fails after {@code timeout}. */
    public int awaitExit(java.time.Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the node still runs after " + timeout + "; its output:\n" + output());
        }
        return process.exitValue();
    }

    /** The process's resident memory (Linux {@code VmRSS}), in bytes. */
    public long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS for pid " + process.pid());
    }

    /** Ends the process at once (SIGKILL), as a crash or a power cut would, and waits for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** The last lines the node printed, for failure messages. */
    public String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
