package dev.parley.server.search;

import dev.parley.server.ServerConfig;
import dev.parley.server.support.TestNode;
import dev.parley.testkit.PostgresDatabases;
import org.junit.jupiter.api.AfterAll;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Search on a node whose storage is PostgreSQL with two shards (full-text search with a GIN index). */
class PostgresSearchTest extends SearchContract {
    private PostgresDatabases shards;

    @Override
    TestNode start(Path dataDir, UnaryOperator<ServerConfig> customize) throws Exception {
        shards = PostgresDatabases.create(2);
        return TestNode.start(dataDir, c -> customize.apply(
                c.withStorage(c.storage().withPostgres(shards.urls(), PostgresDatabases.USER, null))));
    }

    @AfterAll
    void dropDatabases() {
        stopNode();
        if (shards != null) {
            shards.close();
        }
    }
}
