package dev.parley.server.search;

import dev.parley.server.ServerConfig;
import dev.parley.server.support.TestNode;
import dev.parley.store.JdbcSearchStore;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Search on SQLite through the plan for a word that matches many entries, walking the matches
 * newest first one chunk after another (from a chunk of one match), which the contract's small
 * data would otherwise never reach.
 */
class SqliteNewestMatchesSearchTest extends SearchContract {
    @Override
    TestNode start(Path dataDir, UnaryOperator<ServerConfig> customize) throws Exception {
        System.setProperty(JdbcSearchStore.PLAN_PROPERTY, "walk");
        // Entries indexed right after each batch, so the queries nearly always go down this plan
        // rather than reading entries not yet indexed.
        System.setProperty(JdbcSearchStore.INDEXING_PROPERTY, "eager");
        try {
            return TestNode.start(dataDir, customize);
        } finally {
            System.clearProperty(JdbcSearchStore.PLAN_PROPERTY);
            System.clearProperty(JdbcSearchStore.INDEXING_PROPERTY);
        }
    }
}
