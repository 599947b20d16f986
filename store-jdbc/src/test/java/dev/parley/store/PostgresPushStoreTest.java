package dev.parley.store;

import java.util.List;

/** {@link JdbcPushStoreTest} on PostgreSQL (a fresh database per test; skipped without a server). */
class PostgresPushStoreTest extends JdbcPushStoreTest {

    @Override
    protected JdbcStores openStores() throws Exception {
        String url = PostgresTestSupport.freshDatabase("parley_test_push");
        PostgresTestSupport.assumeReachable();
        return JdbcStores.open(PostgresTestSupport.settings(List.of(url), PostgresDatabase.DEFAULT_LANES, 256));
    }
}
