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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real test node in a separate JVM ({@link ForkedNodeMain}) with the JVM options a test gives,
 * on the same settings as a {@link TestNode} in process: for what a node in the test's JVM cannot
 * show. What the node holds can be read from the outside (its resident memory), running out of
 * memory ends that process, not the test's, and it can be killed with SIGKILL and started again
 * on its data and port.
 */
public final class ForkedNode implements AutoCloseable {
    private static final int KEPT_LINES = 200;

    private final Deque<String> output = new ArrayDeque<>();
    private final Path dir;
    private final List<String> jvmOptions;
    private final Optional<ClusterSettings.Member> member;
    private Process process;
    private int port;
    private int starts;

    private ForkedNode(Path dir, List<String> jvmOptions, Optional<ClusterSettings.Member> member) {
        this.dir = dir;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.member = member;
    }

    /**
     * Starts a node with the YAML configuration {@code yaml} (storage under {@code dir}, port
     * chosen by the node, the {@code os} durability) and {@code jvmOptions}; returns once it serves.
     */
    public static ForkedNode start(Path dir, String yaml, List<String> jvmOptions) throws Exception {
        return start(dir, "storage: {durability: os}\n" + yaml, jvmOptions, Optional.empty());
    }

    /**
     * Starts a node with the YAML configuration {@code yaml} (it names no address, data directory
     * or password hashing: those are a test node's, see {@link TestNode#forTests}), data under
     * {@code dir}, and {@code jvmOptions}, as {@code member} of a test cluster if given; returns
     * once it serves.
     */
    public static ForkedNode start(Path dir, String yaml, List<String> jvmOptions,
                                   Optional<ClusterSettings.Member> member) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("node.yaml"), yaml);
        ForkedNode node = new ForkedNode(dir, jvmOptions, member);
        node.startAgain();
        return node;
    }

    /** Starts the node (again, after {@link #kill}) on its data and on the port it had; returns once it serves. */
    public void startAgain() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ForkedNodeMain.class.getName(),
                dir.resolve("node.yaml").toString(), dir.resolve("data").toString(), Integer.toString(port)));
        member.ifPresent(m -> cmd.addAll(m.args()));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        starts++;
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> readOutput(process, ready), "forked-node-output");
        reader.setDaemon(true);
        reader.start();
        try {
            port = ready.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("forked node did not start:\n" + output(), e);
        }
    }

    private void readOutput(Process from, CompletableFuture<Integer> ready) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(from.getInputStream(), StandardCharsets.UTF_8))) {
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

    /** How many times the node was started. */
    public int starts() {
        return starts;
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
