package dev.parley.store.hotlog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Keeps the next segment ready before the log needs it: a spare file ({@value SegmentFiles#SPARE})
 * of the segment size, written with zeros and synced ({@code force(true)}: data and size), on a
 * thread of its own. So a batch never grows a file, and {@code force(false)} on a segment syncs
 * data only. The log takes the spare when it rolls, writes the header and renames it; only then
 * is the next one started (the name is free again).
 *
 * <p>Threading: {@link #prepare}, {@link #take} and {@link #close} are called by the log's owner
 * thread; the zeroing runs on the executor. If the spare is not ready when needed, {@link #take}
 * waits for it (or makes one itself if its making failed) and counts a miss.
 */
final class Preallocator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Preallocator.class);
    private static final int CHUNK = 1 << 20;

    private final HotLogSettings settings;
    private final Path spare;
    private final Executor executor;
    private final ExecutorService own;
    private CompletableFuture<FileChannel> next;
    private volatile long misses;

    Preallocator(HotLogSettings settings) {
        this.settings = settings;
        this.spare = SegmentFiles.spare(settings.dir());
        if (settings.preallocation() != null) {
            this.own = null;
            this.executor = settings.preallocation();
        } else {
            this.own = Executors.newSingleThreadExecutor(
                    r -> Thread.ofPlatform().name("parley-hotlog-preallocator").daemon(true).unstarted(r));
            this.executor = own;
        }
    }

    /** Starts making the next spare (none may be pending). */
    void prepare() {
        next = CompletableFuture.supplyAsync(() -> {
            try {
                return create();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, executor);
    }

    /**
     * The spare, zeroed and synced, as an open channel on {@link SegmentFiles#spare}; made now if
     * none was prepared or its making failed ({@code counted}: as a miss). The caller renames it, then calls {@link #prepare}.
     */
    FileChannel take(boolean counted) throws IOException {
        CompletableFuture<FileChannel> pending = next;
        next = null;
        if (pending != null) {
            if (!pending.isDone() && counted) {
                misses++;
            }
            try {
                return pending.join();
            } catch (CompletionException e) {
                log.warn("hot log: preparing the next segment failed, trying again now: {}", e.getCause().toString());
            }
        }
        if (counted) {
            misses++;
        }
        return create();
    }

    /** How often the log had to wait for a spare or make one itself. */
    long misses() {
        return misses;
    }

    private FileChannel create() throws IOException {
        Files.deleteIfExists(spare);
        FileChannel c = settings.opener().open(spare, true);
        try {
            ByteBuffer zeros = ByteBuffer.allocateDirect(Math.min(CHUNK, settings.segmentBytes()));
            for (long at = 0; at < settings.segmentBytes(); ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), settings.segmentBytes() - at));
                while (zeros.hasRemaining()) {
                    at += c.write(zeros, at);
                }
            }
            c.force(true);
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            Files.deleteIfExists(spare);
            throw e;
        }
    }

    /** Waits for a spare in the making, then closes and deletes it (a recovery deletes it anyway). */
    @Override
    public void close() throws IOException {
        CompletableFuture<FileChannel> pending = next;
        next = null;
        if (pending != null) {
            try {
                pending.join().close();
            } catch (CompletionException ignored) {
                // nothing was made
            }
        }
        if (own != null) {
            own.shutdown();
        }
        Files.deleteIfExists(spare);
    }
}
