package dev.parley.store;

import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Flyway runs at an open only when the schema is not exactly this build's newest. */
class SqliteSchemaCurrencyTest {
    private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__.*\\.sql");

    @TempDir
    Path dir;

    @Test
    void theNewestMigrationIsTheNewestFileShipped() throws Exception {
        URL folder = SqliteDatabase.class.getClassLoader().getResource("db/migration/sqlite");
        assertThat(folder).isNotNull();
        int newest;
        try (Stream<Path> files = Files.list(Path.of(toUri(folder)))) {
            newest = files.map(f -> VERSIONED.matcher(f.getFileName().toString())).filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();
        }
        assertThat(SqliteSchemaCurrency.NEWEST_MIGRATION).as("a new migration raises NEWEST_MIGRATION").isEqualTo(newest);
    }

    @Test
    void aSchemaThisBuildMigratedIsUpToDateAndReopensWithoutFlyway() throws Exception {
        SqliteDatabase.open(dir, Durability.OS, 1, 64).close();
        try (Connection c = connect()) {
            assertThat(SqliteSchemaCurrency.upToDate(c)).isTrue();
            // Flyway would refuse this history (the first migration's checksum no longer matches its
            // file): the next open succeeds only because Flyway is not run.
            exec(c, "UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");
        }
        SqliteDatabase.open(dir, Durability.OS, 1, 64).close();

        try (Connection c = connect()) {
            exec(c, "DELETE FROM flyway_schema_history WHERE version = '" + SqliteSchemaCurrency.NEWEST_MIGRATION + "'");
            assertThat(SqliteSchemaCurrency.upToDate(c)).as("a migration missing").isFalse();
        }
        assertThatThrownBy(() -> SqliteDatabase.open(dir, Durability.OS, 1, 64))
                .as("not current: Flyway runs, and validates").isInstanceOf(FlywayException.class);
    }

    @Test
    void aFailedNewerOrMissingHistoryIsNotUpToDate() throws Exception {
        SqliteDatabase.open(dir, Durability.OS, 1, 64).close();
        try (Connection c = connect()) {
            exec(c, "UPDATE flyway_schema_history SET success = 0 WHERE version = '3'");
            assertThat(SqliteSchemaCurrency.upToDate(c)).as("a failed migration").isFalse();
            exec(c, "UPDATE flyway_schema_history SET success = 1 WHERE version = '3'");
            assertThat(SqliteSchemaCurrency.upToDate(c)).isTrue();
            exec(c, "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                    + " installed_by, installed_on, execution_time, success) SELECT max(installed_rank) + 1, '"
                    + (SqliteSchemaCurrency.NEWEST_MIGRATION + 1) + "', 'later', 'SQL', 'V99__later.sql', 0, '', '', 0, 1"
                    + " FROM flyway_schema_history");
            assertThat(SqliteSchemaCurrency.upToDate(c)).as("migrated by a later build").isFalse();
            exec(c, "DROP TABLE flyway_schema_history");
            assertThat(SqliteSchemaCurrency.upToDate(c)).as("no history").isFalse();
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteDatabase.FILE_NAME).toAbsolutePath());
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate(sql);
        }
    }

    private static java.net.URI toUri(URL url) {
        try {
            return url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
