package dev.parley.store;

import dev.parley.testkit.PeopleStoreContract;
import dev.parley.testkit.PeopleStores;
import dev.parley.testkit.Stores;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The people stores' contract on an embedded SQLite database, a fresh file per test. */
class SqlitePeopleStoreTest extends PeopleStoreContract {

    @TempDir
    Path tempDir;

    @Override
    protected PeopleStores openStores() throws Exception {
        return people(JdbcStores.open(StorageSettings.sqlite(tempDir, Durability.OS, 2, 256)), true);
    }

    /** The people stores on {@code stores}; closing them closes {@code stores} when {@code owned}. */
    static PeopleStores people(JdbcStores stores, boolean owned) {
        Shards shards = stores.shards();
        return new PeopleStores(new Stores(stores.accounts(), stores.conversations(), stores.messages(),
                owned ? stores : () -> { }), new JdbcProfileStore(shards), new JdbcBlockStore(shards),
                new JdbcRequestStore(shards), new JdbcReportStore(shards));
    }
}
