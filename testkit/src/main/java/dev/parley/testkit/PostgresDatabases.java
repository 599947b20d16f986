package dev.parley.testkit;

import org.junit.jupiter.api.Assumptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fresh PostgreSQL databases on the machine's server (127.0.0.1:5432, user postgres, trust
 * auth) for one test, dropped afterwards. Tests are skipped, saying why, when no server answers.
 */
public final class PostgresDatabases implements AutoCloseable {
    public static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    public static final String USER = "postgres";

    private final List<String> names = new ArrayList<>();

    /** {@code count} new, empty databases (shards). */
    public static PostgresDatabases create(int count) {
        PostgresDatabases dbs = new PostgresDatabases();
        String prefix = "parley_it_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres", USER, null);
             Statement st = admin.createStatement()) {
            for (int i = 0; i < count; i++) {
                String name = prefix + "_" + i;
                st.execute("CREATE DATABASE " + name);
                dbs.names.add(name);
            }
        } catch (SQLException e) {
            Assumptions.abort("PostgreSQL is not reachable at " + SERVER + " (start it: pg_ctlcluster <version> main"
                    + " start): " + e.getMessage());
        }
        return dbs;
    }

    public List<String> urls() {
        return names.stream().map(n -> SERVER + n).toList();
    }

    @Override
    public void close() {
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres", USER, null);
             Statement st = admin.createStatement()) {
            for (String name : names) {
                st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        } catch (SQLException e) {
            System.err.println("could not drop test databases " + names + ": " + e.getMessage());
        }
    }
}
