package dev.parley.server;

import dev.parley.store.OwnerOnly;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code DATA/parley.pid}: the process that serves a data directory, for operators and for the
 * messages of commands refused because a node holds the directory. It decides nothing: the lock
 * of {@link DataDirectory} does (a pid file can be stale, or deleted by anyone).
 */
public final class PidFile {
    public static final String FILE = "parley.pid";

    private PidFile() {
    }

    static void write(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            Files.deleteIfExists(file);
            OwnerOnly.writeNew(file, ProcessHandle.current().pid() + "\n");
        } catch (IOException ignored) {
            // informational only
        }
    }

    /** Removes the file if it names this process (another's is not ours to remove). */
    static void remove(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            if (pid(dataDir).orElse(-1L) == ProcessHandle.current().pid()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException ignored) {
            // informational only
        }
    }

    /** The live process the file names, if any. */
    public static Optional<ProcessHandle> running(Path dataDir) {
        return pid(dataDir).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
    }

    private static Optional<Long> pid(Path dataDir) {
        try {
            return Optional.of(Long.parseLong(Files.readString(dataDir.resolve(FILE)).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
