package dev.parley.store;

import org.sqlite.SQLiteException;

import java.sql.SQLException;
import java.util.Set;

/** The few SQL spellings and error codes that differ between SQLite and PostgreSQL. */
public enum Dialect {
    SQLITE("max", "min", ""),
    POSTGRES("greatest", "least", " FOR UPDATE");

    private final String greatest;
    private final String least;
    private final String forUpdate;

    Dialect(String greatest, String least, String forUpdate) {
        this.greatest = greatest;
        this.least = least;
        this.forUpdate = forUpdate;
    }

    /** The scalar function returning the larger of two values. */
    public String greatest() {
        return greatest;
    }

    /** The scalar function returning the smaller of two values. */
    public String least() {
        return least;
    }

    /**
     * The clause that makes a SELECT lock the rows it reads until commit ({@code FOR UPDATE}), or
     * nothing on SQLite, where the one writer already excludes every other.
     */
    public String forUpdate() {
        return forUpdate;
    }

    /**
     * Whether a write failed only because it met a concurrent one, so running it again may
     * succeed: PostgreSQL's deadlock or serialization failure (SQLSTATE class 40), or SQLite's
     * SQLITE_BUSY, which a transaction that began by reading gets at once when another process
     * wrote the file since (two nodes on one file).
     */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e && e.getSQLState() != null && e.getSQLState().startsWith("40")) {
                return true;
            }
            if (t instanceof SQLiteException e && (e.getResultCode().code & 0xff) == SQLITE_BUSY) {
                return true;
            }
        }
        return false;
    }

    private static final int SQLITE_BUSY = 5;

    /**
     * Whether a write failed because of the storage rather than the write: SQLite out of disk
     * space, memory or file handles, an I/O error, a damaged or read-only file; PostgreSQL's
     * connection lost (SQLSTATE class 08), insufficient resources such as a full disk (53), the
     * server shutting down (57P) or a system error (58, XX). Such a failure would fail any write,
     * and may leave the connection unusable.
     */
    public static boolean isStorageFault(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException e) {
                if (SQLITE_STORAGE_FAULTS.contains(e.getResultCode().code & 0xff)) {
                    return true;
                }
            } else if (t instanceof SQLException e && e.getSQLState() != null && e.getSQLState().length() >= 3
                    && (POSTGRES_STORAGE_FAULT_CLASSES.contains(e.getSQLState().substring(0, 2))
                        || e.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    /** NOMEM, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, PROTOCOL, NOLFS, NOTADB. */
    private static final Set<Integer> SQLITE_STORAGE_FAULTS = Set.of(7, 8, 10, 11, 13, 14, 15, 22, 26);
    private static final Set<String> POSTGRES_STORAGE_FAULT_CLASSES = Set.of("08", "53", "58", "XX");

    /** The SQLSTATE of a serialization failure: a task throws it to be run again. */
    public static final String SERIALIZATION_FAILURE = "40001";
}
