package dev.parley.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Whether a SQLite database's schema is already at the newest migration this build carries, so
 * that opening it need not run Flyway: Flyway scans the class path for migrations, loads its
 * plugins and checksums every applied migration on each start, ~130 ms of a ~0.7 s node start on
 * the benchmark machine (twice that during a reconnect storm), while an up-to-date schema needs
 * none of it. Anything else (a new database, an older schema, a failed or unknown migration in the
 * history, no history at all) is left to Flyway, which migrates or refuses as before.
 */
final class SqliteSchemaCurrency {
    /** The newest migration in {@code db/migration/sqlite}; {@code SqliteSchemaCurrencyTest} holds it to the files. */
    static final int NEWEST_MIGRATION = 12;

    private SqliteSchemaCurrency() {
    }

    /**
     * True when the history holds exactly the successful migrations 1 to {@link #NEWEST_MIGRATION}
     * and nothing else: no failed one, none newer (a database a later build migrated).
     */
    static boolean upToDate(Connection c) {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT version), min(CAST(version AS INTEGER)),"
                     + " max(CAST(version AS INTEGER)), min(success) FROM flyway_schema_history WHERE version IS NOT NULL")) {
            return rs.next() && rs.getInt(1) == NEWEST_MIGRATION && rs.getInt(2) == NEWEST_MIGRATION
                    && rs.getInt(3) == 1 && rs.getInt(4) == NEWEST_MIGRATION && rs.getInt(5) == 1;
        } catch (SQLException noHistory) {
            return false;
        }
    }
}
