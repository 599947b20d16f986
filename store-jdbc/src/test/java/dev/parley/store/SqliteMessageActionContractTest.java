package dev.parley.store;

import dev.parley.testkit.MessageActionContract;
import dev.parley.testkit.Stores;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

/** The message-action contract on an embedded SQLite database, a fresh file per test. */
class SqliteMessageActionContractTest extends MessageActionContract {

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

    @Override
    protected long storedReactions() throws Exception {
        try (Connection file = DriverManager.getConnection("jdbc:sqlite:" + tempDir.resolve(SqliteDatabase.FILE_NAME));
             ResultSet rs = file.createStatement().executeQuery("SELECT count(*) FROM reactions")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
