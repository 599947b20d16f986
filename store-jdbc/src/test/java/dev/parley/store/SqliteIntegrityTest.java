package dev.parley.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The integrity checks of a SQLite file: the quick one before opening, bounded in time, and the full one. */
class SqliteIntegrityTest {
    @TempDir
    Path dir;

    @Test
    void theQuickCheckStopsAtItsBudgetAndLetsTheStartGoOn() throws Exception {
        Path file = database(20_000);
        damageAPageNearTheEnd(file);

        // A budget too short to reach the damage: stopped, not refused (the full check finds it).
        SqliteIntegrity.quickCheck(file, Duration.ofNanos(1));
        assertThat(SqliteIntegrity.fullCheck(file)).isNotEmpty();
        // With time enough, the quick check finds it too.
        assertThatThrownBy(() -> SqliteIntegrity.quickCheck(file, Duration.ofSeconds(60)))
                .isInstanceOf(DamagedDatabaseException.class).hasMessageStartingWith(file + " is damaged: ");
    }

    @Test
    void anIntactFilePassesBothChecksAndAMissingOrEmptyOneIsLeftToTheCaller() throws Exception {
        Path file = database(2_000);
        SqliteIntegrity.quickCheck(file, Duration.ofSeconds(60));
        assertThat(SqliteIntegrity.fullCheck(file)).isEmpty();

        SqliteIntegrity.quickCheck(dir.resolve("missing.db"), Duration.ofSeconds(60));
        Path empty = Files.createFile(dir.resolve("empty.db"));
        SqliteIntegrity.quickCheck(empty, Duration.ofSeconds(60));
    }

    private Path database(int rows) throws Exception {
        Path file = dir.resolve("t.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA page_size=1024");
            s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
            s.execute("CREATE INDEX t_by_v ON t (v)");
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (id, v) VALUES (?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "value " + i + " with some length to it");
                    ps.executeUpdate();
                }
            }
            c.commit();
        }
        return file;
    }

    /** Overwrites the last page but one: the index's, walked last. */
    private static void damageAPageNearTheEnd(Path file) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() - 2 * 1024);
            f.write("garbage!".repeat(128).getBytes());
        }
    }
}
