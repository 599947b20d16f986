package dev.parley.store;

/**
 * {@link SqliteStoreContractTest} with {@code storage.hotLog} on: plain appends also go to the hot log
 * (stage 2), and every other write is a barrier that runs as it does without it.
 */
class SqliteHotLogStoreContractTest extends SqliteStoreContractTest {
    @Override
    protected boolean hotLog() {
        return true;
    }
}
