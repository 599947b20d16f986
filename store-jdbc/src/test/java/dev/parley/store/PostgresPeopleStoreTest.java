package dev.parley.store;

import dev.parley.testkit.PeopleStoreContract;
import dev.parley.testkit.PeopleStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

/**
 * The people stores' contract on PostgreSQL with two shards, as a cluster node opens them: a
 * user's profile and blocks, a conversation's request and a report each on their own shard, and
 * everything asked per user merged over both. The tables are emptied before each test.
 */
class PostgresPeopleStoreTest extends PeopleStoreContract {
    private static List<String> urls;
    private static JdbcStores node;

    @BeforeAll
    static void openNode() throws Exception {
        String shard0 = PostgresTestSupport.freshDatabase("parley_test_people0");
        String shard1 = PostgresTestSupport.freshDatabase("parley_test_people1");
        if (shard0 != null && shard1 != null) {
            urls = List.of(shard0, shard1);
            node = JdbcStores.open(PostgresTestSupport.settings(urls, 2, 256));
        }
    }

    @AfterAll
    static void closeNode() {
        PostgresTestSupport.closeAll(node);
        node = null;
    }

    @Override
    protected PeopleStores openStores() {
        PostgresTestSupport.assumeReachable();
        urls.forEach(PostgresTestSupport::empty);
        return SqlitePeopleStoreTest.people(node, false);
    }
}
