package dev.parley.store;

import dev.parley.testkit.Stores;
import org.junit.jupiter.api.Assumptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The PostgreSQL server the tests use: {@code 127.0.0.1:5432}, user {@code postgres}, unless the
 * system properties {@code parley.test.postgres.url} (a URL ending in '/') and
 * {@code parley.test.postgres.user} say otherwise. Each test class works in databases of its own,
 * created when missing; tests that find no server are skipped, saying so. A database's name
 * carries a short hash of the checkout's directory, so two checkouts building at once on one
 * machine (a worktree beside main, CI's clean clone) never reset each other's databases.
 */
final class PostgresTestSupport {
    static final String SERVER = System.getProperty("parley.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/");
    static final String USER = System.getProperty("parley.test.postgres.user", "postgres");
    static final String PASSWORD = System.getProperty("parley.test.postgres.password");
    /** The application's tables, children first. */
    static final List<String> TABLES = List.of("message_search", "message_attachments", "attachments", "mentioned",
            "reactions", "report_entries", "reports", "message_requests", "blocks", "avatars", "profiles", "messages",
            "members", "direct_pairs", "conversations", "devices", "usernames", "users", "invites");

    /** "_" and eight hex digits of the checkout's path: stable across runs of one checkout. */
    private static final String CHECKOUT = "_" + Integer.toHexString(
            java.nio.file.Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize().toString().hashCode());

    private PostgresTestSupport() {
    }

    /** Why the server could not be reached, or null while it could. */
    private static volatile String unreachable;

    /**
     * The URL of database {@code name}, created if missing and emptied of every table (so the
     * schema is migrated afresh when the test opens it); null if there is no server, when
     * {@link #assumeReachable} skips the tests.
     */
    static String freshDatabase(String baseName) {
        String name = baseName + CHECKOUT;
        try (Connection admin = connect(SERVER + "postgres")) {
            try (PreparedStatement ps = admin.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        try (Statement st = admin.createStatement()) {
                            st.execute("CREATE DATABASE " + name);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            unreachable = "PostgreSQL is not reachable at " + SERVER + " as " + USER
                    + " (start it, e.g. pg_ctlcluster <version> main start): " + e.getMessage();
            System.err.println("skipping the PostgreSQL tests: " + unreachable);
            return null;
        }
        String url = SERVER + name;
        try (Connection c = connect(url); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA public CASCADE");
            st.execute("CREATE SCHEMA public");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reset " + url, e);
        }
        return url;
    }

    /** Skips the calling test, saying why, if {@link #freshDatabase} found no server. */
    static void assumeReachable() {
        Assumptions.assumeTrue(unreachable == null, () -> unreachable);
    }

    /**
     * Deletes every row of the application's tables, leaving the migrated schema. (DELETE, in one
     * transaction, not TRUNCATE: on tables this small it is several times faster.)
     */
    static void empty(String url) {
        try (Connection c = connect(url); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT to_regclass('public.users')")) {
                rs.next();
                if (rs.getString(1) == null) {
                    return;
                }
            }
            c.setAutoCommit(false);
            st.execute("SET LOCAL synchronous_commit = off");
            for (String table : TABLES) {
                st.execute("DELETE FROM " + table);
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot empty " + url, e);
        }
    }

    static Connection connect(String url) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        if (PASSWORD != null) {
            props.setProperty("password", PASSWORD);
        }
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(url, props);
    }

    /** Row counts of the application's tables. */
    static Map<String, Long> counts(String url) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = connect(url); Statement st = c.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    out.put(table, rs.getLong(1));
                }
            }
        }
        return out;
    }

    /** {@code SELECT key, count(*) ... GROUP BY key}: how many rows each key has in the table. */
    static Map<Long, Long> rowsPer(String url, String table, String keyColumn) throws SQLException {
        Map<Long, Long> out = new HashMap<>();
        try (Connection c = connect(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + keyColumn + ", count(*) FROM " + table + " GROUP BY " + keyColumn)) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return out;
    }

    /** The stores of an instance kept open across tests: closing them after a test closes nothing. */
    static Stores kept(JdbcStores stores) {
        return new Stores(stores.accounts(), stores.conversations(), stores.messages(), () -> { });
    }

    /** Closes each instance given (nulls skipped), in order. */
    static void closeAll(JdbcStores... stores) {
        for (JdbcStores s : stores) {
            if (s != null) {
                s.close();
            }
        }
    }

    static StorageSettings settings(List<String> urls, int lanes, int maxBatch) {
        return StorageSettings.postgres(urls, USER, PASSWORD, 4, Durability.OS, maxBatch).withWriterLanes(lanes);
    }
}
