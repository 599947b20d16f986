package dev.parley.server.search;

import dev.parley.server.ServerConfig;
import dev.parley.server.support.TestNode;
import dev.parley.store.JdbcSearchStore;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Search on SQLite through the plan for a word that matches many entries when the caller can see
 * too many entries to hold them in memory: the matches narrowed to the visible entries in SQL.
 */
class SqliteVisibleSetSearchTest extends SearchContract {
    @Override
    TestNode start(Path dataDir, UnaryOperator<ServerConfig> customize) throws Exception {
        // Entries indexed right after each batch, so the queries nearly always go down this plan
        // rather than reading entries not yet indexed.
        return startWith(Map.of(JdbcSearchStore.PLAN_PROPERTY, "visible", JdbcSearchStore.INDEXING_PROPERTY, "eager"),
                dataDir, customize);
    }
}
