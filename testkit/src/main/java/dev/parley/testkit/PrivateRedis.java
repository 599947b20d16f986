package dev.parley.testkit;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis server of a test's own, on a free loopback port, with no persistence: a test may kill
 * it, stop it, and start it again (empty) without touching the machine's shared Redis, which
 * other tests use at the same time. Tests are skipped, saying why, when {@code redis-server} is
 * not installed.
 */
public final class PrivateRedis implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/redis-server");

    private final Path dir;
    private final int port;
    private Process process;
    /** Kills the server if the test JVM exits without closing this (a test run cut short). */
    private final Thread onExit = new Thread(() -> process.destroyForcibly(), "private-redis-cleanup");

    private PrivateRedis(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts a Redis server on a free port with its working files in {@code dir}. */
    public static PrivateRedis start(Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), BINARY + " is not installed (apt-get install redis-server)");
        Files.createDirectories(dir);
        PrivateRedis redis = new PrivateRedis(dir, freePort());
        redis.startAgain();
        Runtime.getRuntime().addShutdownHook(redis.onExit);
        return redis;
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server again after {@link #kill()} or {@link #stop()}: it comes back empty. */
    public void startAgain() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("redis on port " + port + " is running");
        }
        process = new ProcessBuilder(List.of(BINARY.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!answers()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("redis-server did not start on port " + port + "; see " + dir.resolve("redis.log"));
            }
            Thread.sleep(20);
        }
    }

    /** SIGKILL: connections drop at once and everything the server held is gone. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** SIGSTOP: the server keeps its connections but answers nothing (a hung or partitioned Redis). */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}: the server answers again, with what it held. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    private boolean answers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(500);
            s.getOutputStream().write("PING\r\n".getBytes());
            byte[] reply = new byte[7];
            return s.getInputStream().read(reply) > 0 && new String(reply).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Stops the server for good (a paused one is resumed first so it can die). */
    @Override
    public void close() throws InterruptedException {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException exiting) {
            // the hook runs anyway
        }
        if (process != null && process.isAlive()) {
            try {
                signal("CONT");
            } catch (IOException ignored) {
                // killed below anyway
            }
            kill();
        }
    }
}
