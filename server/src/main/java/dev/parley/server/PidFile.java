package dev.parley.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code DATA/parley.pid}: the process that serves a data directory, so offline tools (restore)
 * refuse to touch a database a running node holds.
 */
public final class PidFile {
    public static final String FILE = "parley.pid";

    private PidFile() {
    }

    static void write(Path dataDir) {
        try {
            Files.writeString(dataDir.resolve(FILE), ProcessHandle.current().pid() + "\n");
        } catch (IOException ignored) {
            // informational only
        }
    }

    static void remove(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve(FILE));
        } catch (IOException ignored) {
            // informational only
        }
    }

    /** The live process serving the directory, if any. */
    public static Optional<ProcessHandle> running(Path dataDir) {
        try {
            long pid = Long.parseLong(Files.readString(dataDir.resolve(FILE)).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
