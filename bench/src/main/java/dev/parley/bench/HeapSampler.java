package dev.parley.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Samples a node's heap while something runs, without collecting it: {@code jstat -gc PID
 * INTERVAL COUNT} on the node's process (it reads the JVM's shared performance counters, so the
 * node does no work for it), or, when jstat cannot reach the node, its {@code /metrics} every
 * 200 ms. Each sample is the heap in use (young, survivor and old together) and the old
 * generation alone: what a young collection leaves behind shows in the latter.
 */
final class HeapSampler implements AutoCloseable {
    record Sample(long atMillis, long usedBytes, long oldBytes, long rssBytes) {
    }

    private final Node node;
    private final long start = System.nanoTime();
    private final List<Sample> samples = new ArrayList<>();
    private final Thread reader;
    private Process jstat;
    private volatile boolean stopped;
    private long youngCollectionsAtStart = -1;
    private long youngCollections = -1;
    private String source = "none";

    /** Starts sampling every {@code intervalMillis}, for at most {@code maxMillis}. */
    HeapSampler(Node node, int intervalMillis, long maxMillis) {
        this.node = node;
        Path jstatBin = Path.of(System.getProperty("java.home"), "bin", "jstat");
        if (node.pid() > 0 && Files.isExecutable(jstatBin)) {
            try {
                jstat = new ProcessBuilder(jstatBin.toString(), "-gc", Long.toString(node.pid()),
                        Integer.toString(intervalMillis), Long.toString(Math.max(1, maxMillis / intervalMillis)))
                        .redirectErrorStream(true).start();
                source = "jstat";
            } catch (IOException e) {
                jstat = null;
            }
        }
        reader = jstat != null ? Thread.ofPlatform().daemon().name("heap-sampler").start(this::readJstat)
                : Thread.ofVirtual().name("heap-sampler").start(() -> pollMetrics(maxMillis));
    }

    private void readJstat() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
            List<String> header = null;
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 0 || f[0].isEmpty()) {
                    continue;
                }
                if (header == null || f[0].equals("S0C")) {
                    header = Arrays.asList(f);
                    continue;
                }
                try {
                    double used = kib(f, header, "S0U") + kib(f, header, "S1U") + kib(f, header, "EU")
                            + kib(f, header, "OU");
                    long old = (long) (kib(f, header, "OU") * 1024);
                    long ygc = (long) kib(f, header, "YGC");
                    synchronized (this) {
                        if (youngCollectionsAtStart < 0) {
                            youngCollectionsAtStart = ygc;
                        }
                        youngCollections = ygc;
                        samples.add(new Sample(elapsedMillis(), (long) (used * 1024), old, node.rss()));
                    }
                } catch (RuntimeException e) {
                    // a line that is not a sample (jstat's own message when the node went away)
                }
            }
        } catch (IOException e) {
            // the sampler was stopped
        }
    }

    private static double kib(String[] f, List<String> header, String column) {
        int i = header.indexOf(column);
        return i < 0 || i >= f.length ? 0 : Double.parseDouble(f[i]);
    }

    private void pollMetrics(long maxMillis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        while (!stopped && System.nanoTime() < end) {
            long used = node.heapUsed(false);
            if (used >= 0) {
                synchronized (this) {
                    source = "metrics";
                    samples.add(new Sample(elapsedMillis(), used, -1, node.rss()));
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
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

    /** Young collections while sampling (jstat only; -1 otherwise). */
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
        if (jstat != null) {
            jstat.destroy();
            try {
                if (!jstat.waitFor(5, TimeUnit.SECONDS)) {
                    jstat.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            reader.interrupt();
        }
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
