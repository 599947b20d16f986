package dev.parley.server.search;

import dev.parley.server.ServerConfig;
import dev.parley.server.support.TestNode;
import dev.parley.store.JdbcSearchStore;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Search on SQLite with the writer never indexing on its own, so every entry is found by reading
 * the entries past the index's marks (what the writer has not indexed yet, normally the last tenth
 * of a second): the same answers as from the index.
 */
class SqliteUnindexedSearchTest extends SearchContract {
    @Override
    TestNode start(Path dataDir, UnaryOperator<ServerConfig> customize) throws Exception {
        return startWith(Map.of(JdbcSearchStore.INDEXING_PROPERTY, "hold"), dataDir, customize);
    }
}
