package dev.parley.server.search;

import dev.parley.server.ServerConfig;
import dev.parley.server.support.TestNode;
import dev.parley.store.JdbcSearchStore;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Search on SQLite through the plan the store uses when a query matches many entries (the
 * caller's visible entries checked per match), which the contract's small data would otherwise
 * never reach: every query is treated as matching many.
 */
class SqliteManyMatchesSearchTest extends SearchContract {
    @Override
    TestNode start(Path dataDir, UnaryOperator<ServerConfig> customize) throws Exception {
        System.setProperty(JdbcSearchStore.FEW_MATCHES_PROPERTY, "0");
        try {
            return TestNode.start(dataDir, customize);
        } finally {
            System.clearProperty(JdbcSearchStore.FEW_MATCHES_PROPERTY);
        }
    }
}
