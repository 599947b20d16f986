package dev.parley.store;

import dev.parley.testkit.Stores;

/**
 * {@link SqliteStoreContractTest} with the hot log on and materialization deferred (test-only,
 * {@link DeferredMaterialization}): acknowledged plain appends wait in the tail views for SQLite.
 */
class SqliteDeferredHotLogStoreContractTest extends SqliteStoreContractTest {
    @Override
    protected boolean hotLog() {
        return true;
    }

    @Override
    protected Stores openStores() throws Exception {
        return DeferredMaterialization.opening(super::openStores);
    }
}
