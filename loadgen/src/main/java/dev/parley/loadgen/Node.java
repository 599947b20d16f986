package dev.parley.loadgen;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node under test: either a child process this tool started (see {@link SpawnedNode}) or one
 * running already, reached by URL. Knowing the node's pid lets a run report its CPU and memory.
 */
abstract class Node implements AutoCloseable {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final List<String> HEAP_LINES = List.of("PSYoungGen", "ParOldGen", "garbage-first heap",
            "def new generation", "tenured generation", "ZHeap", "Shenandoah");
    private static final Pattern METRIC_HEAP = Pattern.compile(
            "^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*}\\s+([0-9.eE+-]+)", Pattern.MULTILINE);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    abstract String host();

    abstract int port();

    /** The node's process id, or -1 when unknown (a node given by URL without {@code --node-pid}). */
    abstract long pid();

    /** Whether {@link #restart} can stop and start the node. */
    abstract boolean restartable();

    /**
     * Stops the node and starts it again on the same port and data; returns the nanoTime at which
     * the stop began, the one at which the new node answered {@code /health}, and the one at which
     * the old process had exited.
     */
    long[] restart() throws Exception {
        throw new UnsupportedOperationException("this node cannot be restarted by the tool");
    }

    abstract JsonObject describe();

    URI http() {
        return URI.create("http://" + host() + ":" + port());
    }

    /** Resident set size of the node in bytes, or -1. */
    long rss() {
        return pid() > 0 ? ProcStats.rssBytes(pid()) : -1;
    }

    /**
     * Heap in use, in bytes, after a full collection when {@code collectFirst} (read with jcmd, or
     * from {@code /metrics} when jcmd cannot reach the node); -1 when it cannot be read.
     */
    long heapUsed(boolean collectFirst) {
        if (pid() > 0) {
            try {
                if (collectFirst) {
                    jcmd("GC.run");
                }
                String info = jcmd("GC.heap_info");
                long kib = 0;
                boolean any = false;
                for (String line : info.split("\n")) {
                    String l = line.trim();
                    // Only the generation lines count; Metaspace and class space are not heap.
                    if (HEAP_LINES.stream().anyMatch(l::startsWith)) {
                        Matcher m = HEAP_USED.matcher(l);
                        if (m.find()) {
                            kib += Long.parseLong(m.group(1));
                            any = true;
                        }
                    }
                }
                if (any) {
                    return kib * 1024;
                }
            } catch (IOException | RuntimeException e) {
                // try the metrics endpoint
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return heapFromMetrics();
    }

    private long heapFromMetrics() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(http().resolve("/metrics"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return -1;
            }
            return MetricsText.sum(METRIC_HEAP, r.body());
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String jcmd(String command) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        List<String> cmd = new ArrayList<>(List.of(jcmd, Long.toString(pid())));
        cmd.addAll(List.of(command.split(" ")));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    /** Waits until {@code GET /health} answers 200, or throws after {@code timeout}. */
    void awaitHealthy(Duration timeout, ProcessHandle process) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException("the node exited during startup; see its log");
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(http().resolve("/health"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(25);
        }
        throw new IllegalStateException("the node at " + http() + " did not become healthy within " + timeout, last);
    }

    @Override
    public abstract void close();
}
