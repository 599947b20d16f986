package dev.parley.server.attachment;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where attachments' bytes live, content-addressed: the key is the SHA-256 of the bytes (lower-case
 * hex), so identical uploads share one copy and a stored blob never changes. One node keeps them in
 * a directory ({@link DirectoryBlobStore}); a cluster needs a store every node reaches: the same
 * directory on a shared file system, or an S3-compatible object store ({@link S3BlobStore}).
 * Every method blocks.
 */
public interface BlobStore extends AutoCloseable {

    /**
     * Stores the bytes of {@code source} under {@code key} so that a reader sees all of them or
     * none (a crash in between leaves nothing under the key). When the key is already stored,
     * nothing changes. Either way {@code source} is gone afterwards.
     */
    void put(String key, Path source) throws IOException;

    boolean contains(String key) throws IOException;

    /** The blob's bytes from {@code offset} on; {@link java.nio.file.NoSuchFileException} when it is not stored. */
    InputStream open(String key, long offset) throws IOException;

    /**
     * The blob's {@code length} bytes from {@code offset} on (fewer if it ends before), for a
     * download's range: a remote store is asked for just those.
     */
    default InputStream open(String key, long offset, long length) throws IOException {
        InputStream in = open(key, offset);
        return new java.io.FilterInputStream(in) {
            private long left = length;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = super.read();
                left -= b < 0 ? 0 : 1;
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, left));
                left -= Math.max(n, 0);
                return n;
            }
        };
    }

    /** A local file holding the blob, when the store has one (the node then sends it without copying). */
    default Optional<Path> file(String key) {
        return Optional.empty();
    }

    void delete(String key) throws IOException;

    /**
     * Deletes the blob unless it was stored (or stored again) within {@code idle}: for the sweeper,
     * which may run on another node than an upload of the same bytes. Answers whether it deleted.
     */
    boolean deleteIfIdle(String key, java.time.Duration idle) throws IOException;

    /** A local directory for this node's uploads being received; emptied at start. */
    Path incoming();

    /** What is wrong with the store now, if anything (for {@code /health/ready}'s problems). */
    default Optional<String> problem() {
        return Optional.empty();
    }

    @Override
    default void close() {
    }
}
