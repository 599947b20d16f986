package dev.parley.loadgen;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code parley serve} as a child process of the same Java and class path, on loopback, on a data
 * directory: what {@code parley bench} ({@link SpawnedNode}) and {@code parley consistency} run, so
 * that a run can stop the node gracefully (SIGTERM: its shutdown hook drains and closes), kill it
 * (SIGKILL: no hook, no flush) and start it again on the same data and port. The process's output
 * is appended to a log file. (Tests start nodes through the server's test fixture instead; this is
 * the commands' own, since they ship without test classes.)
 */
public final class ServeProcess implements AutoCloseable {
    static final String MAIN_CLASS = "dev.parley.app.Parley";

    private final List<String> jvmOptions;
    private final String classpath;
    private final Path dataDir;
    private final int port;
    private final List<String> serveArgs;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private Process process;
    private int starts;

    /**
     * @param jvmOptions options before the class path (heap, GC), beside the ones every node needs
     * @param serveArgs  flags after {@code serve --host 127.0.0.1 --port P --data D}
     */
    public ServeProcess(List<String> jvmOptions, String classpath, Path dataDir, int port, List<String> serveArgs,
                        Path log) {
        this.jvmOptions = List.copyOf(jvmOptions);
        this.classpath = classpath;
        this.dataDir = dataDir;
        this.port = port;
        this.serveArgs = List.copyOf(serveArgs);
        this.log = log;
    }

    /** A free loopback port, for a node that must come back on the same one. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The running process's id, or -1 before the first start. */
    public long pid() {
        return process == null ? -1 : process.pid();
    }

    /** How many times the node was started. */
    public int starts() {
        return starts;
    }

    /** Starts the node and returns once it answers {@code /health} with 200; fails if it exits first. */
    public void start(Duration timeout) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.addAll(List.of("-cp", classpath, MAIN_CLASS, "serve", "--host", "127.0.0.1", "--port",
                Integer.toString(port), "--data", dataDir.toString()));
        cmd.addAll(serveArgs);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        starts++;
        try {
            awaitHealthy(timeout);
        } catch (IOException | InterruptedException | RuntimeException notReady) {
            // The caller gets no running node to stop: stop this one, or it outlives the run.
            process.destroyForcibly();
            throw notReady;
        }
    }

    private void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the node exited with " + process.exitValue() + " during start-up; see " + log);
            }
            // The admin port (its URL file is written just before ready): after a restart the
            // public one is flooded by the clients coming back, and its answer would say when the
            // storm let the probe through rather than when the node was ready. The public port
            // only while there is no admin port to ask (before the file, or a stale one).
            URI admin = adminUri();
            int answer = admin == null ? -1 : health(admin);
            if (answer == 200 || answer < 0 && health(uri()) == 200) {
                return;
            }
            Thread.sleep(25);
        }
        throw new IOException("the node at " + uri() + " did not become healthy within " + timeout + "; see " + log);
    }

    /** The status {@code /health} answers at {@code base}, or -1 when nothing answers there. */
    private int health(URI base) throws InterruptedException {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(base.resolve("/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode();
        } catch (IOException notYet) {
            return -1; // not listening (yet, or any more: a stale admin.url after a kill)
        }
    }

    /** The node's administration URL from {@code DATA/admin.url}, or null while there is none. */
    private URI adminUri() {
        try {
            String url = java.nio.file.Files.readString(dataDir.resolve("admin.url")).strip();
            return url.isEmpty() ? null : URI.create(url);
        } catch (IOException | IllegalArgumentException none) {
            return null;
        }
    }

    /** SIGKILL: the process dies at once, with no chance to flush or close anything. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** SIGTERM, then waits (forcing it after {@code patience}); returns how long the exit took. */
    public Duration terminate(Duration patience) throws InterruptedException {
        long start = System.nanoTime();
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** The exit code of the last run, once it has ended. */
    public int exitValue() {
        return process.exitValue();
    }

    /** SIGTERM, the graceful way; waits up to 30 s for the process to exit. */
    @Override
    public void close() throws InterruptedException {
        terminate(Duration.ofSeconds(30));
    }
}
