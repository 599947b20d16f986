package dev.parley.server;

import dev.parley.store.OwnerOnly;
import dev.parley.store.SqliteDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A node's data directory, held by one node at a time for its whole life.
 *
 * <p><b>The lock.</b> {@code DATA/parley.lock} is locked by the operating system
 * ({@link FileChannel#tryLock}) from before the database is opened until the node has stopped. A
 * second node on the same directory is refused: two nodes on one SQLite file would each deliver
 * only the messages sent through them. The lock goes with the process, however it ends (a
 * SIGKILL included), so it is never stale; the pid file beside it is only for people.
 *
 * <p><b>Prior use.</b> At its first start on a directory the node writes {@code DATA/.parley-data}
 * (an id for the database and when it was made). If the SQLite database is then missing or empty
 * while that marker, or anything else a node leaves there (its admin token, push keys, pid file,
 * the database's log), is present, the database was lost, not never made: starting would silently begin an empty
 * one, and every account and message would be gone for the users. The node refuses, unless told
 * that an empty database is intended ({@code parley serve --allow-empty}).
 *
 * <p>Everything created here is owner-only ({@link OwnerOnly}).
 */
public final class DataDirectory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);
    public static final String LOCK_FILE = "parley.lock";
    public static final String MARKER_FILE = ".parley-data";
    /** Files a node leaves in its directory, besides the database: any of them means prior use. */
    private static final List<String> SIGNS_OF_USE = List.of(MARKER_FILE, AdminToken.FILE, "vapid.json", PidFile.FILE,
            SqliteDatabase.FILE_NAME + "-wal");

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;
    private final boolean newDatabase;

    private DataDirectory(Path dir, FileChannel channel, FileLock lock, boolean newDatabase) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
        this.newDatabase = newDatabase;
    }

    /**
     * Takes {@code config}'s data directory for a node (creating it owner-only if needed), or
     * refuses: another node holds it, or (SQLite) its database is missing or empty after use and
     * {@code allowEmptyDatabase} is false.
     */
    public static DataDirectory claim(ServerConfig config, boolean allowEmptyDatabase) {
        Path dir = config.dataDir().toAbsolutePath();
        try {
            OwnerOnly.createDirectories(dir);
        } catch (IOException e) {
            throw new StartRefused("cannot create the data directory " + dir + ": " + e.getMessage()
                    + "; choose another with --data, storage.dataDir or PARLEY_STORAGE_DATA_DIR", e);
        }
        Optional<Held> held = lock(dir);
        if (held.isEmpty()) {
            throw new StartRefused("the data directory " + dir + " is in use by another Parley node" + holder(dir)
                    + "; stop that node first, or give this one a directory of its own (--data, storage.dataDir or"
                    + " PARLEY_STORAGE_DATA_DIR)");
        }
        try {
            boolean sqlite = config.storage().type() == ServerConfig.StorageType.SQLITE;
            boolean newDatabase = sqlite && !SqliteDatabase.holdsDatabase(dir);
            if (newDatabase) {
                List<String> signs = signsOfUse(dir);
                if (!signs.isEmpty() && !allowEmptyDatabase) {
                    throw new StartRefused(missingDatabase(dir, signs));
                }
                if (!signs.isEmpty()) {
                    log.warn("starting with a new, empty database in {} although it was in use (found {}): asked to with"
                            + " --allow-empty", dir, String.join(", ", signs));
                }
            }
            PidFile.write(dir);
            return new DataDirectory(dir, held.get().channel(), held.get().lock(), newDatabase);
        } catch (RuntimeException e) {
            held.get().release();
            throw e;
        }
    }

    /**
     * The lock of {@code dir} for an offline tool (a restore), so no node starts meanwhile; empty
     * while a node holds it.
     */
    public static Optional<DataDirectory> lockForMaintenance(Path dir) throws IOException {
        OwnerOnly.createDirectories(dir);
        return lock(dir.toAbsolutePath()).map(h -> new DataDirectory(dir.toAbsolutePath(), h.channel(), h.lock(), false));
    }

    /** " (pid N)" from the pid file, when it names a live process. */
    public static String holder(Path dir) {
        return PidFile.running(dir).map(p -> " (pid " + p.pid() + ")").orElse("");
    }

    private record Held(FileChannel channel, FileLock lock) {
        void release() {
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel releases it too
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // the process's end releases it
            }
        }
    }

    private static Optional<Held> lock(Path dir) {
        Path file = dir.resolve(LOCK_FILE);
        FileChannel channel;
        try {
            channel = open(file);
        } catch (IOException e) {
            throw new StartRefused("cannot open the lock file " + file + ": " + e.getMessage(), e);
        }
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return Optional.of(new Held(channel, lock));
            }
        } catch (OverlappingFileLockException e) {
            // held by this process: another node in the same JVM
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StartRefused("cannot lock " + file + ": " + e.getMessage(), e);
        }
        closeQuietly(channel);
        return Optional.empty();
    }

    private static FileChannel open(Path file) throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            return FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(OwnerOnly.FILE));
        } catch (UnsupportedOperationException e) {
            return FileChannel.open(file, options);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing held
        }
    }

    private static List<String> signsOfUse(Path dir) {
        List<String> found = new ArrayList<>();
        for (String name : SIGNS_OF_USE) {
            if (Files.exists(dir.resolve(name))) {
                found.add(name);
            }
        }
        return found;
    }

    private static String missingDatabase(Path dir, List<String> signs) {
        Path db = dir.resolve(SqliteDatabase.FILE_NAME);
        String state = Files.exists(db) ? "is empty" : "is missing";
        return db + " " + state + ", but " + dir + " was in use (it holds " + String.join(", ", signs)
                + "): starting would begin an empty database, and every account and message would be gone."
                + " Restore the last backup with `parley admin restore BACKUP --data " + dir + "`; or, if an empty"
                + " database is what you want, start once with --allow-empty (or move the directory away)";
    }

    /**
     * Records that the directory holds a node's database, once it has been opened: writes the
     * marker at the first start, and anew when the database was new (its id changes).
     */
    public void markInUse() {
        Path marker = dir.resolve(MARKER_FILE);
        if (Files.exists(marker) && !newDatabase) {
            return;
        }
        Path temp = dir.resolve(MARKER_FILE + ".new");
        try {
            Files.deleteIfExists(temp);
            OwnerOnly.writeNew(temp, "# Parley data directory: a node refuses to start here without its database.\n"
                    + "database=" + UUID.randomUUID() + "\ncreated=" + Instant.now() + "\n");
            Files.move(temp, marker, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + marker, e);
        }
    }

    public Path path() {
        return dir;
    }

    /** Lets the directory go as a crash would: the lock is released, the pid file stays. */
    void abandon() {
        new Held(channel, lock).release();
    }

    /** Removes the pid file and releases the lock. */
    @Override
    public void close() {
        PidFile.remove(dir);
        new Held(channel, lock).release();
    }
}
