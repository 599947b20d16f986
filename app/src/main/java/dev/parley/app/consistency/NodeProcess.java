package dev.parley.app.consistency;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Parley node running as its own process on a data directory, so a test can kill it with
 * SIGKILL (no shutdown hook, no flush) and start it again on the same data.
 */
public final class NodeProcess implements AutoCloseable {
    private final Path dataDir;
    private final int port;
    private final List<String> serveArgs;
    private final Path log;
    private Process process;
    private int starts;

    public NodeProcess(Path dataDir, int port, List<String> serveArgs, Path log) {
        this.dataDir = dataDir;
        this.port = port;
        this.serveArgs = List.copyOf(serveArgs);
        this.log = log;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** Starts the node and waits until it answers {@code /health} with 200. */
    public void start() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx512m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.parley.app.Parley");
        cmd.add("serve");
        cmd.add("--port");
        cmd.add(Integer.toString(port));
        cmd.add("--data");
        cmd.add(dataDir.toString());
        cmd.addAll(serveArgs);
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        starts++;
        awaitHealthy(Duration.ofSeconds(60));
    }

    private void awaitHealthy(Duration timeout) throws InterruptedException, IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("node exited with " + process.exitValue() + " during start-up; see " + log);
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri().resolve("/health"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IOException("node did not become healthy within " + timeout + "; see " + log);
    }

    /** SIGKILL: the process dies at once, with no chance to flush or close anything. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** SIGTERM, then waits for the process to exit; returns how long that took. */
    public java.time.Duration terminate() throws InterruptedException {
        long start = System.nanoTime();
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
        return java.time.Duration.ofNanos(System.nanoTime() - start);
    }

    /** The exit code of the last run, once it has ended. */
    public int exitValue() {
        return process.exitValue();
    }

    /** How many times the node was started. */
    public int starts() {
        return starts;
    }

    /** SIGTERM, the graceful way; waits for the process to exit. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }
}
