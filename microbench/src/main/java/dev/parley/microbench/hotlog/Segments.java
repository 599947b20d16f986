package dev.parley.microbench.hotlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The hot log's files: segments of {@code segmentBytes}, each preallocated (zeros written and
 * synced once) so that a batch's write never grows a file and {@code force(false)} syncs data
 * only, not the file's size (the next one is preallocated on a thread of its own, ahead of
 * need). A position in the log is {@code segment << 32 | offset}.
 * Prototype for measuring.
 */
final class Segments implements AutoCloseable {
    private static final int ZEROS = 1 << 20;

    private final Path dir;
    private final int segmentBytes;
    private final List<FileChannel> channels = new ArrayList<>();
    private FileChannel current;
    private int offset;

    /** The next segment, preallocated on a thread of its own so the writer never waits for it. */
    private CompletableFuture<FileChannel> next;

    Segments(Path dir, int segmentBytes) throws IOException {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        next = CompletableFuture.completedFuture(create(0));
        roll();
    }

    /** Writes {@code batch} (flipped) whole at the end of the log; returns where it starts. */
    long append(ByteBuffer batch, boolean sync) throws IOException {
        if (offset + batch.remaining() > segmentBytes) {
            roll();
        }
        long start = position();
        long at = offset;
        while (batch.hasRemaining()) {
            at += current.write(batch, at);
        }
        offset = (int) at;
        if (sync) {
            current.force(false);
        }
        return start;
    }

    long position() {
        return ((long) (channels.size() - 1) << 32) | offset;
    }

    /** Reads {@code into.remaining()} bytes (or fewer at a segment's end) at {@code position}. */
    void read(long position, ByteBuffer into) throws IOException {
        FileChannel c = channels.get((int) (position >>> 32));
        long at = position & 0xFFFF_FFFFL;
        while (into.hasRemaining() && at < segmentBytes) {
            int n = c.read(into, at);
            if (n < 0) {
                break;
            }
            at += n;
        }
    }

    private void roll() {
        FileChannel c = next.join();
        channels.add(c);
        current = c;
        offset = 0;
        int number = channels.size();
        next = CompletableFuture.supplyAsync(() -> {
            try {
                return create(number);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, r -> Thread.ofPlatform().name("hotlog-preallocator").daemon(true).start(r));
    }

    private FileChannel create(int number) throws IOException {
        Path file = dir.resolve(String.format("%010d.log", number));
        FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        ByteBuffer zeros = ByteBuffer.allocateDirect(ZEROS);
        for (long at = 0; at < segmentBytes; at += ZEROS) {
            zeros.clear().limit((int) Math.min(ZEROS, segmentBytes - at));
            long p = at;
            while (zeros.hasRemaining()) {
                p += c.write(zeros, p);
            }
        }
        c.force(true);
        return c;
    }

    @Override
    public void close() throws IOException {
        next.join().close();
        for (FileChannel c : channels) {
            c.close();
        }
    }
}
