package dev.parley.server.attachment;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where attachments' bytes live, content-addressed: the key is the SHA-256 of the bytes (lower-case
 * hex), so identical uploads share one copy and a stored blob never changes. One node keeps them in
 * a directory ({@link DirectoryBlobStore}); a cluster needs a store every node reaches, such as an
 * S3-compatible service, behind the same port. Every method blocks.
 */
public interface BlobStore extends AutoCloseable {

    /**
     * Stores the bytes of {@code source} under {@code key} so that a reader sees all of them or
     * none (a crash in between leaves nothing under the key). When the key is already stored,
     * nothing changes. Either way {@code source} is gone afterwards.
     */
    void put(String key, Path source) throws IOException;

    boolean contains(String key) throws IOException;

    /** The blob's bytes from {@code offset} on. */
    InputStream open(String key, long offset) throws IOException;

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

    @Override
    default void close() {
    }
}
