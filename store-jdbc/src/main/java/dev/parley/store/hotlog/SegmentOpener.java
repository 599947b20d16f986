package dev.parley.store.hotlog;

import dev.parley.store.OwnerOnly;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens a segment file for reading and writing: the log's only way to its files' bytes, so a test
 * can put a failing channel in (a disk that returns errors). {@link #FILES} is the real one.
 */
@FunctionalInterface
public interface SegmentOpener {
    /** Opens {@code file}; creates it owner-only (0600) first when {@code create}, failing if it exists. */
    FileChannel open(Path file, boolean create) throws IOException;

    SegmentOpener FILES = (file, create) -> {
        if (create) {
            OwnerOnly.createFile(file);
        }
        return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    };
}
