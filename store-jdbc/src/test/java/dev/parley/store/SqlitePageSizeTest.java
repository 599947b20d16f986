package dev.parley.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new database file made behind the hot log gets {@link SqliteDatabase#PAGE_SIZE_BEHIND_THE_LOG}
 * pages, one made with the log off {@link SqliteDatabase#PAGE_SIZE}; an existing file keeps its own
 * whatever the setting (SQLite cannot change a WAL file's page size in place).
 */
class SqlitePageSizeTest {
    @TempDir
    Path dir;

    @Test
    void aNewFileBehindTheLogHasLargerPages() throws Exception {
        try (SqliteDatabase db = SqliteDatabase.openBehindTheLog(dir, Durability.OS, 1, 64, true)) {
            assertThat(pageSize(db)).isEqualTo(SqliteDatabase.PAGE_SIZE_BEHIND_THE_LOG);
        }
    }

    @Test
    void aNewFileWithTheLogOffHasSmallPages() throws Exception {
        try (SqliteDatabase db = SqliteDatabase.openBehindTheLog(dir, Durability.OS, 1, 64, false)) {
            assertThat(pageSize(db)).isEqualTo(SqliteDatabase.PAGE_SIZE);
        }
    }

    @Test
    void anExistingFileKeepsItsPagesWhenTheLogIsTurnedOn() throws Exception {
        try (SqliteDatabase db = SqliteDatabase.openBehindTheLog(dir, Durability.OS, 1, 64, false)) {
            assertThat(pageSize(db)).isEqualTo(SqliteDatabase.PAGE_SIZE);
        }
        try (SqliteDatabase db = SqliteDatabase.openBehindTheLog(dir, Durability.OS, 1, 64, true)) {
            assertThat(pageSize(db)).isEqualTo(SqliteDatabase.PAGE_SIZE);
        }
    }

    private static int pageSize(SqliteDatabase db) {
        return db.read(s -> {
            try (ResultSet rs = s.connection().createStatement().executeQuery("PRAGMA page_size")) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        });
    }
}
