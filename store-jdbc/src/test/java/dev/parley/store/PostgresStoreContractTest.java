package dev.parley.store;

import dev.parley.testkit.StoreContract;
import dev.parley.testkit.Stores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

/**
 * The store contract on one PostgreSQL database, opened as a node with {@code storage.type:
 * postgres} and one URL opens it. The node stays up for the whole class (opening one takes a few
 * hundred milliseconds of connecting and schema checks) and the tables are emptied before each
 * test. The second instance is a second node's: its own writer lanes and read pool on the same
 * database.
 */
class PostgresStoreContractTest extends StoreContract {
    private static String url;
    private static JdbcStores first;
    private static JdbcStores second;

    @BeforeAll
    static void openNode() throws Exception {
        url = PostgresTestSupport.freshDatabase("parley_test_single");
        if (url != null) {
            first = JdbcStores.open(PostgresTestSupport.settings(List.of(url), PostgresDatabase.DEFAULT_LANES, 256));
        }
    }

    @AfterAll
    static void closeNodes() {
        PostgresTestSupport.closeAll(second, first);
        second = null;
        first = null;
    }

    @Override
    protected Stores openStores() {
        PostgresTestSupport.assumeReachable();
        PostgresTestSupport.empty(url);
        return PostgresTestSupport.kept(first);
    }

    @Override
    protected Stores openSecondStores() throws Exception {
        if (second == null) {
            second = JdbcStores.open(PostgresTestSupport.settings(List.of(url), PostgresDatabase.DEFAULT_LANES, 256));
        }
        return PostgresTestSupport.kept(second);
    }
}
