package dev.parley.app;

import dev.parley.loadgen.ScratchDirectory;
import dev.parley.server.ParleyNode;
import dev.parley.server.ServerConfig;
import dev.parley.store.SqliteNativeLibrary;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The start that {@code ./parley} records for class-data sharing ({@code serve
 * --class-data-training}, run under {@code -XX:ArchiveClassesAtExit}): a node on the defaults, in a
 * temporary data directory, on a free loopback port, started until ready and closed. What it
 * loads is what a real start loads before it is ready, so the next start maps those classes from
 * the archive instead of loading and verifying them. It reads no configuration file and no
 * {@code PARLEY_*} variable: a training run must never join a cluster or touch real data.
 */
final class ClassDataTraining {
    private ClassDataTraining() {
    }

    /** Where to write the SQLite driver's native library for later starts (set by ./parley). */
    static final String SQLITE_LIBRARY_DIR = "parley.sqliteLibraryDir";

    static int run() throws Exception {
        String libraryDir = System.getProperty(SQLITE_LIBRARY_DIR);
        if (libraryDir != null && !libraryDir.isBlank()) {
            SqliteNativeLibrary.writeTo(Path.of(libraryDir));
        }
        Path data = Files.createTempDirectory("parley-class-data-");
        try {
            ServerConfig c = ServerConfig.defaults().withDataDir(data.resolve("data")).withAddress("127.0.0.1", 0);
            try (ParleyNode node = ParleyNode.start(c, false)) {
                firstRequests(node.port());
                return node.port() > 0 ? 0 : 1;
            }
        } finally {
            ScratchDirectory.remove(data);
        }
    }

    /**
     * The first requests a restarted node answers: a readiness probe and a WebSocket that sends
     * an {@code auth} the node refuses. Without them the archive held only what loads before
     * ready, and a node's first answer took ~0.5 s of class loading after it said it was ready.
     */
    private static void firstRequests(int port) {
        URI base = URI.create("http://127.0.0.1:" + port);
        HttpClient http = HttpClient.newHttpClient();
        try {
            http.send(HttpRequest.newBuilder(base.resolve("/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
            CompletableFuture<Void> answered = new CompletableFuture<>();
            WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/ws"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                            answered.complete(null);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
                            answered.complete(null);
                            return null;
                        }
                    }).get(5, TimeUnit.SECONDS);
            ws.sendText("{\"type\":\"auth\",\"token\":\"class-data-training\"}", true);
            answered.get(5, TimeUnit.SECONDS);
            ws.abort();
        } catch (Exception e) {
            // Training is best effort: an archive without these classes still works.
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
