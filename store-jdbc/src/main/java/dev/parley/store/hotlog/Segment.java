package dev.parley.store.hotlog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One open segment file, named by its first ordinal. Reference-counted: the log holds one
 * reference while the segment is part of it, and each reader one while it reads; the file is
 * closed and deleted when the last is released (so retiring a segment a reader holds deletes it
 * when that reader is done).
 */
final class Segment {
    private static final Logger log = LoggerFactory.getLogger(Segment.class);

    final long first;
    final Path file;
    final FileChannel channel;
    /** The file's size: where records must end. */
    final int size;
    private final AtomicInteger refs = new AtomicInteger(1);
    static final int FIRST_READ = 512;

    Segment(long first, Path file, FileChannel channel, int size) {
        this.first = first;
        this.file = file;
        this.channel = channel;
        this.size = size;
    }

    /** Takes a reference for a reader; false if the segment is already gone. */
    boolean acquire() {
        for (int n = refs.get(); n > 0; n = refs.get()) {
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Drops a reference; the last one closes and deletes the file. */
    void release() {
        if (refs.decrementAndGet() == 0) {
            try {
                channel.close();
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("hot log: could not delete retired segment {}: {}", file, e.toString());
            }
        }
    }

    /** {@link #read(int, ByteBuffer)} with a buffer of its own. */
    ByteBuffer read(int at) throws IOException {
        return read(at, scratch());
    }

    /** A buffer for {@link #read(int, ByteBuffer)}. */
    static ByteBuffer scratch() {
        return ByteBuffer.allocate(FIRST_READ).order(RecordCodec.ORDER);
    }

    /**
     * The bytes of the record at {@code at} (from its length field to its end), little-endian;
     * or an empty buffer if no record of a possible length starts there. One positional read for
     * a record that fits in {@code scratch} (a reader's own, reused: most records fit in
     * {@value #FIRST_READ} bytes), two for a longer one, which gets a buffer of its own.
     */
    ByteBuffer read(int at, ByteBuffer scratch) throws IOException {
        if (at < SegmentHeader.BYTES || at % 4 != 0 || at > size - RecordCodec.FIXED) {
            return ByteBuffer.allocate(0);
        }
        ByteBuffer first = scratch.clear().limit(Math.min(scratch.capacity(), size - at));
        readFully(first, at, 4);
        int n = first.getInt(0);
        if (n < RecordCodec.FIXED - 4 || n > size - at - 4) {
            return ByteBuffer.allocate(0);
        }
        if (4 + n <= first.position()) {
            return first.flip().limit(4 + n);
        }
        ByteBuffer record = ByteBuffer.allocate(4 + n).order(RecordCodec.ORDER);
        record.put(first.flip());
        readFully(record, at + record.position(), record.remaining());
        return record.flip();
    }

    /** Reads into {@code into} at {@code at} until at least {@code atLeast} more bytes are in it (or it is full). */
    private void readFully(ByteBuffer into, long at, int atLeast) throws IOException {
        int until = into.position() + atLeast;
        for (long p = at; into.position() < until && into.hasRemaining(); ) {
            int n = channel.read(into, p);
            if (n < 0) {
                throw new EOFException(file + " ends at " + p);
            }
            p += n;
        }
    }

    /** Closes the file and keeps it (the log's close; readers must be done). */
    void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return file.getFileName().toString();
    }
}
