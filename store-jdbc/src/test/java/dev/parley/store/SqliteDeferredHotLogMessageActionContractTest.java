package dev.parley.store;

import dev.parley.testkit.Stores;

/**
 * {@link SqliteMessageActionContractTest} with the hot log on and materialization deferred
 * (test-only, {@link DeferredMaterialization}).
 */
class SqliteDeferredHotLogMessageActionContractTest extends SqliteMessageActionContractTest {
    @Override
    protected boolean hotLog() {
        return true;
    }

    @Override
    protected Stores openStores() throws Exception {
        return DeferredMaterialization.opening(super::openStores);
    }
}
