package dev.parley.store;

import dev.parley.testkit.StoreContract;
import dev.parley.testkit.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The store contract on an embedded SQLite database, a fresh file per test. SQLite has one writer
 * per file, so the tests of a second instance on the same database are skipped.
 */
class SqliteStoreContractTest extends StoreContract {

    @TempDir
    Path tempDir;

    @Override
    protected Stores openStores() throws Exception {
        SqliteDatabase db = SqliteDatabase.open(tempDir, Durability.OS, 2, 256);
        return new Stores(new JdbcAccountStore(db), new JdbcConversationStore(db), new JdbcMessageStore(db), db);
    }
}
