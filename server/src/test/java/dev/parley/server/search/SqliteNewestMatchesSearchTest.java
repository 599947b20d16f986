package dev.parley.server.search;

import dev.parley.server.ServerConfig;
import dev.parley.server.support.TestNode;
import dev.parley.store.JdbcSearchStore;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Search on SQLite through the plan for a word that matches many entries, walking the matches
 * newest first one chunk after another (from a chunk of one match), which the contract's small
 * data would otherwise never reach.
 */
class SqliteNewestMatchesSearchTest extends SearchContract {
    @Override
    TestNode start(Path dataDir, UnaryOperator<ServerConfig> customize) throws Exception {
        // Entries indexed right after each batch, so the queries nearly always go down this plan
        // rather than reading entries not yet indexed.
        return startWith(Map.of(JdbcSearchStore.PLAN_PROPERTY, "walk", JdbcSearchStore.INDEXING_PROPERTY, "eager"),
                dataDir, customize);
    }
}
