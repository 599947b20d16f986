package dev.parley.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks of a SQLite database file: a quick one, bounded in time, before a node opens it, and
 * SQLite's full integrity check for {@code parley admin check}.
 *
 * <p>The quick check reads the file's header (SQLite's magic string, a valid page size, and, when
 * no write-ahead log holds newer pages, a file at least as long as the header says: a truncated
 * copy fails here at once), then runs {@code PRAGMA quick_check}, which walks every page of every
 * table and index (not the agreement between tables and their indexes, as the full check does).
 * It is stopped after {@code budget}: on a database too large to walk in that time, the start
 * goes on with the part checked, and says so. Measured (docs/operations.md): 2 million messages,
 * 335 MB, 1.8 s warm; the full check 4.1 s.
 */
public final class SqliteIntegrity {
    private static final Logger log = LoggerFactory.getLogger(SqliteIntegrity.class);
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = 100;
    /** Problems reported by a check, at most. */
    private static final int MAX_PROBLEMS = 20;

    private SqliteIntegrity() {
    }

    /**
     * The check before opening: throws if {@code file} is damaged. A missing or empty file passes
     * (SQLite makes a new database of it; whether that is wanted is the caller's question).
     */
    static void quickCheck(Path file, Duration budget) throws DamagedDatabaseException {
        long size;
        try {
            if (!Files.exists(file) || (size = Files.size(file)) == 0) {
                return;
            }
            checkHeader(file, size);
        } catch (IOException e) {
            throw new DamagedDatabaseException(file, "cannot be read: " + e, e);
        }
        long started = System.nanoTime();
        long deadline = started + budget.toNanos();
        boolean[] stopped = {false};
        try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
            // Called every 10,000 virtual-machine steps (well under a millisecond): stops the
            // check once the budget is spent.
            ProgressHandler.setHandler(c, 10_000, new ProgressHandler() {
                @Override
                protected int progress() {
                    if (System.nanoTime() - deadline > 0) {
                        stopped[0] = true;
                        return 1;
                    }
                    return 0;
                }
            });
            List<String> problems = run(c, "PRAGMA quick_check(" + MAX_PROBLEMS + ")");
            ProgressHandler.clearHandler(c);
            if (!problems.isEmpty()) {
                throw new DamagedDatabaseException(file, "SQLite's quick check found " + summary(problems));
            }
            log.info("quick check of {} passed ms={} bytes={}", file, millisSince(started), size);
        } catch (DamagedDatabaseException e) {
            throw e;
        } catch (SQLException e) {
            if (stopped[0]) {
                log.info("quick check of {} stopped after its {} ms budget ({} bytes); the node starts with the part"
                        + " checked; `parley admin check` runs the full check", file, budget.toMillis(), size);
                return;
            }
            throw new DamagedDatabaseException(file, "SQLite cannot read it: " + describe(e), e);
        }
    }

    private static void checkHeader(Path file, long size) throws IOException, DamagedDatabaseException {
        byte[] header = new byte[HEADER_BYTES];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
            read = in.readNBytes(header, 0, HEADER_BYTES);
        }
        if (read < HEADER_BYTES || !startsWithMagic(header)) {
            throw new DamagedDatabaseException(file, "not a SQLite database (its first bytes are not SQLite's header)");
        }
        ByteBuffer h = ByteBuffer.wrap(header);
        int pageSize = Short.toUnsignedInt(h.getShort(16));
        pageSize = pageSize == 1 ? 65_536 : pageSize;
        if (pageSize < 512 || Integer.bitCount(pageSize) != 1) {
            throw new DamagedDatabaseException(file, "its header gives an impossible page size (" + pageSize + ")");
        }
        long pages = Integer.toUnsignedLong(h.getInt(28));
        boolean pageCountValid = h.getInt(24) == h.getInt(92);
        // With a write-ahead log, pages may be newer and the file shorter than its header until the
        // next checkpoint; only a file with no log must be as long as its header says.
        if (pageCountValid && !hasLog(file) && size < pages * pageSize) {
            throw new DamagedDatabaseException(file, "truncated: " + size + " bytes, its header says " + pages * pageSize);
        }
    }

    private static boolean startsWithMagic(byte[] header) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (header[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    static boolean hasLog(Path file) throws IOException {
        Path wal = file.resolveSibling(file.getFileName() + "-wal");
        return Files.exists(wal) && Files.size(wal) > 0;
    }

    /**
     * SQLite's full integrity check of {@code file} (every page, and every index against its
     * table), read-only, beside a running node if need be. Returns the problems found, at most
     * {@value #MAX_PROBLEMS}; empty when the file is intact.
     */
    public static List<String> fullCheck(Path file) throws SQLException {
        if (!Files.isRegularFile(file)) {
            throw new SQLException("no such file: " + file);
        }
        try {
            checkHeader(file, Files.size(file));
        } catch (IOException e) {
            throw new SQLException("cannot read " + file + ": " + e, e);
        } catch (DamagedDatabaseException e) {
            return List.of(e.getMessage());
        }
        SQLiteConfig readOnly = new SQLiteConfig();
        readOnly.setReadOnly(true);
        try (Connection c = readOnly.createConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
            return run(c, "PRAGMA integrity_check(" + MAX_PROBLEMS + ")");
        } catch (SQLiteException e) {
            if (Dialect.isStorageFault(e)) {
                return List.of("SQLite cannot read it: " + describe(e));
            }
            throw e;
        }
    }

    /** Runs a check pragma; returns its lines, or none when it answers "ok". */
    private static List<String> run(Connection c, String pragma) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(pragma)) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        return lines.equals(List.of("ok")) ? List.of() : lines;
    }

    private static String summary(List<String> problems) {
        // A row may span lines ("*** in database main ***" then the problem): the refusal is one line.
        String first = problems.getFirst().replace("*** in database main ***", "").strip().replaceAll("\\s*\\R\\s*", " ");
        return problems.size() == 1 ? "1 problem: " + first
                : problems.size() + (problems.size() >= MAX_PROBLEMS ? " or more" : "") + " problems, the first: " + first;
    }

    /** SQLite's message without the driver's prefix ("[SQLITE_CORRUPT] The database disk image is ..."). */
    static String describe(SQLException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static long millisSince(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
