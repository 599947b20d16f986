package dev.parley.store;

import dev.parley.testkit.MessageActionContract;
import dev.parley.testkit.Stores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;

/**
 * The message-action contract on one PostgreSQL database of its own, opened as a node opens it;
 * the node stays up for the class and the tables are emptied before each test.
 */
class PostgresMessageActionContractTest extends MessageActionContract {
    private static String url;
    private static JdbcStores node;

    @BeforeAll
    static void openNode() throws Exception {
        url = PostgresTestSupport.freshDatabase("parley_test_actions");
        if (url != null) {
            node = JdbcStores.open(PostgresTestSupport.settings(List.of(url), PostgresDatabase.DEFAULT_LANES, 256));
        }
    }

    @AfterAll
    static void closeNode() {
        PostgresTestSupport.closeAll(node);
        node = null;
    }

    @Override
    protected Stores openStores() {
        PostgresTestSupport.assumeReachable();
        PostgresTestSupport.empty(url);
        return PostgresTestSupport.kept(node);
    }

    @Override
    protected long storedReactions() throws Exception {
        try (Connection db = PostgresTestSupport.connect(url);
             ResultSet rs = db.createStatement().executeQuery("SELECT count(*) FROM reactions")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
