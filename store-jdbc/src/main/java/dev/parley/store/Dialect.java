package dev.parley.store;

import org.sqlite.SQLiteException;

import java.sql.SQLException;

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

    /** The SQLSTATE of a serialization failure: a task throws it to be run again. */
    public static final String SERIALIZATION_FAILURE = "40001";
}
