package dev.parley.store.hotlog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A segment file on a disk that fails when told to: positional writes write at most
 * {@link Disk#partialBytes} of a buffer and then throw, or {@code force} throws, as an I/O error
 * would. Everything else goes to the real file. Public for the store's tests of the log under
 * its writer.
 */
public final class FailingChannel extends FileChannel {
    /** The switches, shared by every channel a {@link #opener} opens. */
    public static final class Disk {
        public volatile boolean failWrites;
        public volatile boolean failForce;
        /** Bytes a failing write still puts down before it throws (a torn write)... */
        public volatile int partialBytes;
        /** ...for this many failing writes; later ones put nothing down (-1: every one). */
        volatile int landing = -1;
        final AtomicInteger failures = new AtomicInteger();
    }

    public static SegmentOpener opener(Disk disk) {
        return (Path file, boolean create) -> new FailingChannel(SegmentOpener.FILES.open(file, create), disk);
    }

    private final FileChannel file;
    private final Disk disk;

    private FailingChannel(FileChannel file, Disk disk) {
        this.file = file;
        this.disk = disk;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        if (disk.failWrites) {
            disk.failures.incrementAndGet();
            int n = disk.landing == 0 ? 0 : Math.min(disk.partialBytes, src.remaining());
            if (disk.landing > 0) {
                disk.landing--;
            }
            if (n > 0) {
                ByteBuffer part = src.duplicate();
                part.limit(part.position() + n);
                file.write(part, position);
            }
            throw new IOException("Input/output error (simulated)");
        }
        return file.write(src, position);
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (disk.failForce) {
            disk.failures.incrementAndGet();
            throw new IOException("fsync failed (simulated)");
        }
        file.force(metaData);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return file.read(dst, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return file.map(mode, position, size);
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return file.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return file.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) {
        throw new UnsupportedOperationException("the log writes at positions only");
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw new UnsupportedOperationException("the log writes at positions only");
    }

    @Override
    public long position() throws IOException {
        return file.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        file.position(newPosition);
        return this;
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        file.truncate(size);
        return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return file.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return file.transferFrom(src, position, count);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return file.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return file.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        file.close();
    }
}
