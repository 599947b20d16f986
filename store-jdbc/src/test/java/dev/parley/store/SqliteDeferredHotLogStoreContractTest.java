package dev.parley.store;

import dev.parley.testkit.Stores;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

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

    /**
     * {@code listForUser} reads {@code conversations.last_activity_at} and pages by it in SQL; it does
     * not take the tail yet (docs/storage.md, "The hot log", the readers' checklist), so an entry
     * waiting in the tail does not move its conversation up the list until SQLite commits it.
     */
    @Override
    @Test
    @Disabled("listForUser does not take the hot log's tail yet (docs/storage.md, the readers' checklist)")
    public void listForUserPagesThroughManyConversations() {
    }
}
