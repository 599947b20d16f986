package dev.parley.store;

import dev.parley.testkit.StoreContract;
import dev.parley.testkit.Stores;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The store contract on an embedded SQLite database, a fresh file per test, opened as a node with
 * {@code storage.type: sqlite} opens it. There is no second instance: one node owns a SQLite
 * file (several nodes share PostgreSQL), and two writers on one file contend for its lock in ways
 * the contract's timing-free tests cannot bound, so the concurrent-instance tests run on
 * PostgreSQL only.
 */
class SqliteStoreContractTest extends StoreContract {

    @TempDir
    Path tempDir;

    /** Whether the store writes plain appends to the hot log too ({@code storage.hotLog}). */
    protected boolean hotLog() {
        return false;
    }

    @Override
    protected Stores openStores() throws Exception {
        JdbcStores stores = JdbcStores.open(
                StorageSettings.sqlite(tempDir, Durability.OS, 2, 256).withHotLog(hotLog()));
        return new Stores(stores.accounts(), stores.conversations(), stores.messages(), stores);
    }
}
