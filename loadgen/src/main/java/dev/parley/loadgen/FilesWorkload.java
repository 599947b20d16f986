package dev.parley.loadgen;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.SimpleFileServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code parley bench files}: attachments on loopback.
 * <ul>
 *   <li><b>throughput</b>: one user uploads a file of {@code --size} bytes ({@code POST
 *       /v1/attachments}) and downloads it again ({@code GET /v1/attachments/{id}/content}),
 *       {@code --repetitions} times after one unmeasured round, each time with new bytes (the node
 *       stores equal bytes once, so the same file twice would measure the shortcut). Each download's
 *       SHA-256 must equal the upload's, and the node's answered {@code sha256} too.</li>
 *   <li><b>baselines</b>: the same file downloaded by the same client from a plain static file
 *       server (the JDK's {@code SimpleFileServer}, as {@code jwebserver} runs it) on loopback, and
 *       written with an fsync to a file beside it: what the machine does without Parley.</li>
 *   <li><b>heap while many upload</b>: {@code --concurrent} users each upload a file of that size
 *       at the same moment while the node's heap is sampled ({@link HeapSampler}); uploads are
 *       streamed, so the heap in use should not grow with the bytes in flight. Each file is then
 *       downloaded and its SHA-256 checked.</li>
 * </ul>
 * Files are random bytes behind a ZIP signature: the node accepts ZIP by default (an unknown binary
 * it refuses) and nothing on the way compresses random bytes.
 */
@Command(name = "files", aliases = "attachments", mixinStandardHelpOptions = true,
        description = "Attachment upload and download throughput, and the node's heap while many upload at once.")
final class FilesWorkload extends WorkloadCommand {
    private static final byte[] ZIP_SIGNATURE = {'P', 'K', 3, 4};

    @Option(names = "--size", description = "File size in bytes (default: ${DEFAULT-VALUE}, 10 MiB; at most the node's"
            + " attachments.maxBytes, 25 MiB by default).")
    long size = 10L * 1024 * 1024;

    @Option(names = "--repetitions", description = "Measured upload-and-download rounds (default: ${DEFAULT-VALUE}).")
    int repetitions = 5;

    @Option(names = "--concurrent", description = "Users uploading at once while the heap is sampled (default:"
            + " ${DEFAULT-VALUE}).")
    int concurrent = 20;

    @Option(names = "--sample-interval", description = "Heap sample interval in ms (default: ${DEFAULT-VALUE}).")
    int sampleInterval = 100;

    private HttpClient http;
    private URI base;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @Override
    String name() {
        return "files";
    }

    @Override
    JsonObject parameters() {
        return new JsonObject().put("sizeBytes", size).put("repetitions", repetitions).put("concurrent", concurrent)
                .put("sampleIntervalMs", sampleInterval);
    }

    /** A file on disk and what it should hash to. */
    private record LocalFile(Path path, String sha256) {
    }

    /** One transfer: how long it took, how many bytes, the SHA-256 of what went or came, the node's answer. */
    private record Transfer(long nanos, long bytes, String sha256, JsonObject answer) {
        double mibPerSecond() {
            return bytes / (1024.0 * 1024) / (nanos / 1e9);
        }
    }

    @Override
    boolean run(Node node, Report report) throws Exception {
        base = node.http();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(threads)
                .connectTimeout(Duration.ofSeconds(10)).build();
        Path files = Files.createTempDirectory("parley-loadgen-files-");
        try (Rest rest = new Rest(base)) {
            List<User> users = Population.users(rest, 1 + concurrent, options.provisionConcurrency, out);
            User uploader = users.getFirst();
            SplittableRandom random = new SplittableRandom();

            // Throughput, one transfer at a time.
            List<Transfer> ups = new ArrayList<>();
            List<Transfer> downs = new ArrayList<>();
            long wrong = 0;
            for (int i = 0; i <= repetitions; i++) {
                LocalFile f = write(files.resolve("round-" + i + ".zip"), random);
                Transfer up = upload(uploader, f.path(), "round-" + i + ".zip");
                Transfer down = download(uploader, up.answer().getLong("id"));
                boolean right = f.sha256().equals(up.sha256()) && f.sha256().equals(down.sha256()) && down.bytes() == size
                        && up.answer().getLong("size") == size;
                if (!right) {
                    wrong++;
                }
                log("round %d%s: upload %.3f s (%.1f MiB/s), download %.3f s (%.1f MiB/s)%s", i,
                        i == 0 ? " (warm-up)" : "", up.nanos() / 1e9, up.mibPerSecond(), down.nanos() / 1e9,
                        down.mibPerSecond(), right ? "" : " WRONG BYTES");
                if (i > 0) {
                    ups.add(up);
                    downs.add(down);
                }
                Files.delete(f.path());
            }

            // Baselines: a plain static file server, and a disk write with fsync, for the same bytes.
            LocalFile plain = write(files.resolve("plain.zip"), random);
            List<Transfer> plainDowns = new ArrayList<>();
            List<Transfer> diskWrites = new ArrayList<>();
            HttpServer server = SimpleFileServer.createFileServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    files.toAbsolutePath(), SimpleFileServer.OutputLevel.NONE);
            server.setExecutor(threads);
            server.start();
            try {
                URI plainUri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/plain.zip");
                for (int i = 0; i <= repetitions; i++) {
                    Transfer d = fetch(HttpRequest.newBuilder(plainUri), null);
                    Transfer w = writeWithFsync(plain.path(), files.resolve("copy.zip"));
                    if (!plain.sha256().equals(d.sha256()) || !plain.sha256().equals(w.sha256())) {
                        wrong++;
                    }
                    if (i > 0) {
                        plainDowns.add(d);
                        diskWrites.add(w);
                    }
                }
            } finally {
                server.stop(0);
            }
            log("static file server download %.1f MiB/s; write with fsync %.1f MiB/s", median(plainDowns),
                    median(diskWrites));

            // The heap while many upload at once.
            List<LocalFile> many = new ArrayList<>();
            for (int i = 0; i < concurrent; i++) {
                many.add(write(files.resolve("many-" + i + ".zip"), random));
            }
            long idleHeap = node.heapUsed(true);
            long idleRss = node.rss();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Transfer>> uploads = new ArrayList<>();
            long wall;
            HeapSampler heap = new HeapSampler(node, sampleInterval, 600_000);
            try {
                Thread.sleep(Math.max(500, sampleInterval * 4L));
                for (int i = 0; i < concurrent; i++) {
                    User u = users.get(1 + i);
                    Path p = many.get(i).path();
                    String name = "many-" + i + ".zip";
                    uploads.add(threads.submit(() -> {
                        go.await();
                        return upload(u, p, name);
                    }));
                }
                long t0 = System.nanoTime();
                go.countDown();
                for (Future<Transfer> f : uploads) {
                    f.get();
                }
                wall = System.nanoTime() - t0;
                Thread.sleep(Math.max(500, sampleInterval * 4L));
            } finally {
                heap.close();
            }
            long afterHeap = node.heapUsed(true);
            long wrongMany = 0;
            for (int i = 0; i < concurrent; i++) {
                Transfer up = uploads.get(i).get();
                Transfer down = download(users.get(1 + i), up.answer().getLong("id"));
                if (!many.get(i).sha256().equals(up.sha256()) || !many.get(i).sha256().equals(down.sha256())) {
                    wrongMany++;
                }
            }
            double manyMiB = concurrent * (size / (1024.0 * 1024));
            log("%d uploads at once: %.2f s, %.1f MiB/s in all; heap idle %s, peak %s (old generation peak %s),"
                            + " after %s; %d young collections; %d wrong", concurrent, wall / 1e9, manyMiB / (wall / 1e9),
                    Report.bytes(idleHeap), Report.bytes(heap.peakUsed()), Report.bytes(heap.peakOld()),
                    Report.bytes(afterHeap), heap.youngCollections(), wrongMany);

            boolean passed = wrong == 0 && wrongMany == 0 && ups.size() == repetitions;
            String mib = String.format(Locale.ROOT, "%.1f MiB", size / (1024.0 * 1024));
            report.row("file size", mib + " (" + size + " B)", "")
                    .row("upload, median (min-max) of " + repetitions, speeds(ups), "")
                    .row("download, median (min-max) of " + repetitions, speeds(downs), "")
                    .row("  static file server download", speeds(plainDowns), "baseline: same bytes, same client")
                    .row("  write + fsync to a file", speeds(diskWrites), "baseline: the disk")
                    .row("download / static file server", String.format(Locale.ROOT, "%.2f",
                            median(downs) / median(plainDowns)), "")
                    .row("upload / write + fsync", String.format(Locale.ROOT, "%.2f", median(ups) / median(diskWrites)), "")
                    .row(concurrent + " uploads at once", String.format(Locale.ROOT, "%.2f s, %.1f MiB/s in all",
                            wall / 1e9, manyMiB / (wall / 1e9)), "")
                    .row("  node heap before / after (after a full GC)", Report.bytes(idleHeap) + " / "
                            + Report.bytes(afterHeap), "the same: nothing kept")
                    .row("  node old generation, peak while uploading", Report.bytes(heap.peakOld()),
                            "flat: far below the " + Report.bytes((long) (manyMiB * 1024 * 1024)) + " in flight")
                    .row("  node heap in use, peak (garbage included)", Report.bytes(heap.peakUsed()) + " ("
                            + heap.youngCollections() + " young GCs; " + heap.source() + ", " + heap.samples().size()
                            + " samples)", "")
                    .row("  node rss idle / peak", Report.bytes(idleRss) + " / " + Report.bytes(heap.peakRss()), "")
                    .row("correctness", passed ? "PASS" : "FAIL", "every SHA-256 equal to the upload's")
                    .row("  wrong transfers (rounds + baselines / at once)", wrong + " / " + wrongMany, "0 / 0");
            report.json.put("throughput", new JsonObject().put("upload", toJson(ups)).put("download", toJson(downs))
                            .put("staticFileServerDownload", toJson(plainDowns)).put("writeWithFsync", toJson(diskWrites)))
                    .put("concurrent", new JsonObject().put("uploads", concurrent).put("seconds", wall / 1e9)
                            .put("mibPerSecond", manyMiB / (wall / 1e9)).put("idleHeapBytes", idleHeap)
                            .put("peakHeapBytes", heap.peakUsed()).put("peakOldBytes", heap.peakOld())
                            .put("afterHeapBytes", afterHeap).put("idleRssBytes", idleRss)
                            .put("peakRssBytes", heap.peakRss()).put("youngCollections", heap.youngCollections())
                            .put("heapSource", heap.source()).put("samples", heap.toJson()))
                    .put("wrongTransfers", wrong).put("wrongConcurrent", wrongMany);
            return passed;
        } finally {
            threads.shutdownNow();
            http.close();
            ScratchDirectory.remove(files);
        }
    }

    /** Writes {@code size} random bytes behind a ZIP signature; returns the file and its SHA-256. */
    private LocalFile write(Path path, SplittableRandom random) throws IOException {
        MessageDigest sha = sha256();
        byte[] chunk = new byte[1 << 16];
        try (OutputStream o = Files.newOutputStream(path)) {
            long left = size;
            boolean first = true;
            while (left > 0) {
                random.nextBytes(chunk);
                if (first) {
                    System.arraycopy(ZIP_SIGNATURE, 0, chunk, 0, ZIP_SIGNATURE.length);
                    first = false;
                }
                int n = (int) Math.min(chunk.length, left);
                o.write(chunk, 0, n);
                sha.update(chunk, 0, n);
                left -= n;
            }
        }
        return new LocalFile(path, HexFormat.of().formatHex(sha.digest()));
    }

    private Transfer upload(User u, Path file, String name) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(base.resolve("/v1/attachments?name=" + name))
                .timeout(Duration.ofMinutes(5)).header("Authorization", "Bearer " + u.token())
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(file)).build();
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        long nanos = System.nanoTime() - t0;
        if (r.statusCode() != 201) {
            throw new Rest.RestException("POST /v1/attachments", r.statusCode(), r.body());
        }
        JsonObject answer = new JsonObject(r.body());
        return new Transfer(nanos, Files.size(file), answer.getString("sha256"), answer);
    }

    private Transfer download(User u, long id) throws IOException, InterruptedException {
        return fetch(HttpRequest.newBuilder(base.resolve("/v1/attachments/" + id + "/content")), u.token());
    }

    /** GETs a body, hashing it as it arrives (never held whole). */
    private Transfer fetch(HttpRequest.Builder b, String token) throws IOException, InterruptedException {
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        MessageDigest sha = sha256();
        long t0 = System.nanoTime();
        HttpResponse<InputStream> r = http.send(b.timeout(Duration.ofMinutes(5)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long bytes = 0;
        try (InputStream in = r.body()) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
                bytes += n;
            }
        }
        long nanos = System.nanoTime() - t0;
        if (r.statusCode() != 200) {
            throw new Rest.RestException("GET " + r.uri().getPath(), r.statusCode(), "");
        }
        return new Transfer(nanos, bytes, HexFormat.of().formatHex(sha.digest()), null);
    }

    /** Copies {@code from} to {@code to} and fsyncs it, as the node's blob store must at least do. */
    private static Transfer writeWithFsync(Path from, Path to) throws IOException {
        MessageDigest sha = sha256();
        long t0 = System.nanoTime();
        long bytes = 0;
        try (InputStream in = Files.newInputStream(from);
             FileChannel ch = FileChannel.open(to, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    ch.write(bb);
                }
                bytes += n;
            }
            ch.force(true);
        }
        long nanos = System.nanoTime() - t0;
        Files.delete(to);
        return new Transfer(nanos, bytes, HexFormat.of().formatHex(sha.digest()), null);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double median(List<Transfer> ts) {
        double[] v = ts.stream().mapToDouble(Transfer::mibPerSecond).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** "median MiB/s (min-max), median seconds". */
    private static String speeds(List<Transfer> ts) {
        if (ts.isEmpty()) {
            return "(none)";
        }
        double min = ts.stream().mapToDouble(Transfer::mibPerSecond).min().orElse(0);
        double max = ts.stream().mapToDouble(Transfer::mibPerSecond).max().orElse(0);
        double[] secs = ts.stream().mapToDouble(t -> t.nanos() / 1e9).sorted().toArray();
        double medianSecs = secs.length % 2 == 1 ? secs[secs.length / 2]
                : (secs[secs.length / 2 - 1] + secs[secs.length / 2]) / 2;
        return String.format(Locale.ROOT, "%.1f MiB/s (%.1f-%.1f), %.3f s", median(ts), min, max, medianSecs);
    }

    private static JsonObject toJson(List<Transfer> ts) {
        JsonArray runs = new JsonArray();
        ts.forEach(t -> runs.add(new JsonObject().put("seconds", t.nanos() / 1e9).put("bytes", t.bytes())
                .put("mibPerSecond", t.mibPerSecond())));
        return new JsonObject().put("medianMibPerSecond", median(ts)).put("runs", runs);
    }
}
