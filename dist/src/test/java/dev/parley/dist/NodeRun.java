package dev.parley.dist;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A node started from an installed or unpacked Parley, as its own process with exactly the
 * environment given (as systemd or a container would), its output in a log file.
 */
final class NodeRun implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private NodeRun(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts {@code command} in {@code dir} with only {@code env}, and waits for /health/ready. */
    static NodeRun start(List<String> command, Map<String, String> env, Path dir, int port, Path log)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        NodeRun node = new NodeRun(pb.start(), port, log);
        try {
            node.awaitReady(Duration.ofSeconds(90));
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The process's executable, once the launcher has exec'd into Java. */
    String executable() {
        return process.toHandle().info().command().orElse("?");
    }

    long pid() {
        return process.pid();
    }

    /** The process's user name. */
    String user() {
        return process.toHandle().info().user().orElse("?");
    }

    /** The process's real uid (also for a user /etc/passwd does not know, as in an image). */
    String uid() throws IOException {
        return Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")).stream()
                .filter(l -> l.startsWith("Uid:")).map(l -> l.split("\\s+")[1]).findFirst().orElseThrow();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    String get(String path) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri().resolve(path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(path + " answered " + r.statusCode());
        }
        return r.body();
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("node exited with " + process.exitValue() + " while starting:\n" + log());
            }
            try {
                get("/health/ready");
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException("node not ready within " + timeout + ":\n" + log());
    }

    /** SIGTERM, as systemd and docker stop; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
