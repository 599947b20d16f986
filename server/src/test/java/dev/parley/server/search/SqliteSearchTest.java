package dev.parley.server.search;

import dev.parley.server.ServerConfig;
import dev.parley.server.support.TestNode;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Search on a node with its embedded SQLite database (FTS5). */
class SqliteSearchTest extends SearchContract {
    @Override
    TestNode start(Path dataDir, UnaryOperator<ServerConfig> customize) throws Exception {
        return TestNode.start(dataDir, customize);
    }
}
