package dev.parley.server.attachment;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Blobs as files in a directory: {@code <root>/ab/cd/<sha256>}, written the way a crash cannot
 * leave half a file under a blob's name: received into {@code <root>/incoming/<node>}, flushed to
 * disk ({@code fsync}), renamed into place in one atomic step, and the directory flushed too.
 * Whatever a node left in its incoming directory after a crash is deleted when it starts again
 * (each node of a cluster sharing the directory has its own, so none deletes another's uploads).
 * Storing bytes that are already there refreshes the file's time, which {@link #deleteIfIdle}
 * reads, so a node sweeping unused bytes spares bytes another node has just claimed again.
 */
public final class DirectoryBlobStore implements BlobStore {
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");

    private final Path root;
    private final Path incoming;

    private DirectoryBlobStore(Path root, String node) {
        this.root = root;
        this.incoming = root.resolve("incoming").resolve(node);
    }

    /** Opens (creating) the store at {@code root} for a single node. */
    public static DirectoryBlobStore open(Path root) throws IOException {
        return open(root, "node-0");
    }

    /**
     * Opens (creating) the store at {@code root} for the node named {@code node}, and removes the
     * uploads that node's previous run left half received.
     */
    public static DirectoryBlobStore open(Path root, String node) throws IOException {
        DirectoryBlobStore store = new DirectoryBlobStore(root, node);
        IncomingFiles.emptied(store.incoming);
        return store;
    }

    private Path path(String key) {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not a blob key");
        }
        return root.resolve(key.substring(0, 2)).resolve(key.substring(2, 4)).resolve(key);
    }

    @Override
    public void put(String key, Path source) throws IOException {
        Path target = path(key);
        try {
            if (Files.exists(target)) {
                Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
                return;
            }
            try (FileChannel ch = FileChannel.open(source, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.createDirectories(target.getParent());
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(target.getParent());
        } finally {
            Files.deleteIfExists(source);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Not every platform lets a directory be opened for flushing; the rename is still atomic.
        }
    }

    @Override
    public boolean contains(String key) {
        return Files.exists(path(key));
    }

    @Override
    public InputStream open(String key, long offset) throws IOException {
        InputStream in = Files.newInputStream(path(key));
        in.skipNBytes(offset);
        return in;
    }

    @Override
    public Optional<Path> file(String key) {
        Path p = path(key);
        return Files.exists(p) ? Optional.of(p) : Optional.empty();
    }

    @Override
    public boolean deleteIfIdle(String key, java.time.Duration idle) throws IOException {
        Path p = path(key);
        try {
            java.time.Instant touched = Files.getLastModifiedTime(p).toInstant();
            if (touched.isAfter(java.time.Instant.now().minus(idle))) {
                return false;
            }
            return Files.deleteIfExists(p);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            Files.deleteIfExists(path(key));
        } catch (NoSuchFileException ignored) {
            // already gone
        }
    }

    /** The directory the blobs are under. */
    public Path root() {
        return root;
    }

    @Override
    public Path incoming() {
        return incoming;
    }
}
