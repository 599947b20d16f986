package dev.parley.store;

import java.nio.file.Path;
import java.sql.SQLException;

/**
 * The database file cannot be used as it is: not a SQLite database, shorter than its header says,
 * or failing SQLite's integrity check. The message is one line naming the file and what is wrong;
 * the node refuses to start with it (docs/operations.md, "Damaged or missing data").
 */
public final class DamagedDatabaseException extends SQLException {
    private final transient Path file;

    public DamagedDatabaseException(Path file, String problem) {
        super(file + " is damaged: " + problem);
        this.file = file;
    }

    public DamagedDatabaseException(Path file, String problem, Throwable cause) {
        this(file, problem);
        initCause(cause);
    }

    public Path file() {
        return file;
    }
}
