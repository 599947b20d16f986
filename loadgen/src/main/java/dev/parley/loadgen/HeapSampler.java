package dev.parley.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Samples a node's heap while something runs, without collecting it: the node's {@code /metrics}
 * (its JVM memory pools as Micrometer reads them, live) every interval, or, when the node has no
 * metrics, {@code jcmd PID GC.heap_info} (slower: a sample takes a few hundred ms). Each sample is
 * the heap in use (young, survivor and old together) and the old generation alone, whose growth is
 * what young collections leave behind. (Not jstat: with ParallelGC its eden figure only moves at
 * collections, so it showed an empty young generation throughout.)
 */
final class HeapSampler implements AutoCloseable {
    record Sample(long atMillis, long usedBytes, long oldBytes, long rssBytes) {
    }

    private static final Pattern POOL = Pattern.compile(
            "^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*}\\s+([0-9.eE+-]+)", Pattern.MULTILINE);
    private static final Pattern OLD_POOL = Pattern.compile(
            "^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*id=\"[^\"]*(?:Old|Tenured)[^\"]*\"[^}]*}\\s+([0-9.eE+-]+)",
            Pattern.MULTILINE);
    private static final Pattern MINOR_GCS = Pattern.compile(
            "^jvm_gc_pause_seconds_count\\{[^}]*action=\"end of minor GC\"[^}]*}\\s+([0-9.eE+-]+)", Pattern.MULTILINE);

    private final Node node;
    private final long start = System.nanoTime();
    private final List<Sample> samples = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final Thread reader;
    private volatile boolean stopped;
    private long youngCollectionsAtStart = -1;
    private long youngCollections = -1;
    private String source = "none";

    /** Starts sampling every {@code intervalMillis}, for at most {@code maxMillis}. */
    HeapSampler(Node node, int intervalMillis, long maxMillis) {
        this.node = node;
        reader = Thread.ofVirtual().name("heap-sampler").start(() -> poll(intervalMillis, maxMillis));
    }

    private void poll(int intervalMillis, long maxMillis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        boolean metrics = true;
        while (!stopped && System.nanoTime() < end) {
            long next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(intervalMillis);
            if (metrics) {
                metrics = fromMetrics();
            }
            if (!metrics && !fromJcmd()) {
                return;
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private boolean fromMetrics() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(node.http().resolve("/metrics"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return false;
            }
            long used = MetricsText.sum(POOL, r.body());
            if (used < 0) {
                return false;
            }
            // Micrometer shows a collection's series only once one happened: none yet is 0.
            long minor = Math.max(0, MetricsText.sum(MINOR_GCS, r.body()));
            add("metrics", used, MetricsText.sum(OLD_POOL, r.body()), minor);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean fromJcmd() {
        if (node.pid() <= 0) {
            return false;
        }
        long used = node.heapUsed(false);
        if (used < 0) {
            return false;
        }
        add("jcmd", used, -1, -1);
        return true;
    }

    private synchronized void add(String from, long used, long old, long minorCollections) {
        source = from;
        if (minorCollections >= 0) {
            if (youngCollectionsAtStart < 0) {
                youngCollectionsAtStart = minorCollections;
            }
            youngCollections = minorCollections;
        }
        samples.add(new Sample(elapsedMillis(), used, old, node.rss()));
    }

    private long elapsedMillis() {
        return (System.nanoTime() - start) / 1_000_000;
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    synchronized long peakUsed() {
        return samples.stream().mapToLong(Sample::usedBytes).max().orElse(-1);
    }

    synchronized long peakOld() {
        return samples.stream().mapToLong(Sample::oldBytes).max().orElse(-1);
    }

    synchronized long peakRss() {
        return samples.stream().mapToLong(Sample::rssBytes).max().orElse(-1);
    }

    /** Young collections while sampling (from the metrics only; -1 otherwise). */
    synchronized long youngCollections() {
        return youngCollectionsAtStart < 0 ? -1 : youngCollections - youngCollectionsAtStart;
    }

    synchronized String source() {
        return source;
    }

    synchronized JsonArray toJson() {
        JsonArray a = new JsonArray();
        for (Sample s : samples) {
            a.add(new JsonObject().put("ms", s.atMillis()).put("usedBytes", s.usedBytes()).put("oldBytes", s.oldBytes())
                    .put("rssBytes", s.rssBytes()));
        }
        return a;
    }

    @Override
    public void close() {
        stopped = true;
        reader.interrupt();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.close();
    }
}
