package dev.parley.store;

import dev.parley.core.account.Account;
import dev.parley.core.account.UserId;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migration 3 moves username uniqueness into the {@code usernames} table: a database written by
 * the version before it (schema 2) opens with every live account's name claimed, and a deleted
 * account's name claimed by nobody.
 */
class UsernamesMigrationTest {

    @TempDir
    Path dir;

    @Test
    void aSqliteDatabaseAtVersion2KeepsItsAccountsReachableByName() throws Exception {
        Files.createDirectories(dir);
        String url = "jdbc:sqlite:" + dir.resolve(SqliteDatabase.FILE_NAME).toAbsolutePath();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration/sqlite").target("2")
                .load().migrate();
        try (Connection c = DriverManager.getConnection(url)) {
            writeVersion2Accounts(c);
        }

        try (SqliteDatabase db = SqliteDatabase.open(dir, Durability.OS, 1, 16)) {
            assertAccountsReachable(new JdbcAccountStore(db));
        }
    }

    @Test
    void aPostgresDatabaseAtVersion2KeepsItsAccountsReachableByName() throws Exception {
        String url = PostgresTestSupport.freshDatabase("parley_test_migration");
        PostgresTestSupport.assumeReachable();
        Flyway.configure().dataSource(url, PostgresTestSupport.USER, PostgresTestSupport.PASSWORD)
                .locations("classpath:db/migration/postgres").target("2").load().migrate();
        try (Connection c = PostgresTestSupport.connect(url)) {
            writeVersion2Accounts(c);
        }

        try (JdbcStores stores = JdbcStores.open(PostgresTestSupport.settings(List.of(url), 1, 16))) {
            assertAccountsReachable(stores.accounts());
        }
    }

    private static void writeVersion2Accounts(Connection c) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute("INSERT INTO users (id, username, password_hash, disabled, created_at)"
                    + " VALUES (1, 'alice', 'h', 0, 10), (2, 'bob', 'h', 1, 20), (3, 'deleted-3', '', 1, 30)");
        }
    }

    private static void assertAccountsReachable(JdbcAccountStore accounts) {
        assertThat(accounts.findAccountByUsername("alice"))
                .contains(new Account(new UserId(1), "alice", "h", false, Instant.ofEpochMilli(10)));
        assertThat(accounts.findAccountByUsername("bob")).hasValueSatisfying(a -> assertThat(a.disabled()).isTrue());
        assertThat(accounts.findAccountByUsername("deleted-3")).isEmpty();
        assertThat(accounts.createAccount(new Account(new UserId(4), "alice", "h", false, Instant.EPOCH))).isEmpty();
        assertThat(accounts.deleteAccount(new UserId(1))).isTrue();
        assertThat(accounts.createAccount(new Account(new UserId(5), "alice", "h", false, Instant.EPOCH))).isPresent();
    }
}
