package dev.parley.server.attachment;

import dev.parley.server.ServerConfig;
import dev.parley.server.support.TestNode;
import dev.parley.testkit.PostgresDatabases;
import org.junit.jupiter.api.AfterAll;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Uploads on a node whose storage is PostgreSQL (two shards: uploads spread over both). */
class PostgresUploadTest extends UploadContract {
    private final List<PostgresDatabases> databases = new ArrayList<>();

    @Override
    TestNode start(Path dataDir, UnaryOperator<ServerConfig> customize) throws Exception {
        PostgresDatabases shards = PostgresDatabases.create(2);
        databases.add(shards);
        return TestNode.start(dataDir, c -> customize.apply(
                c.withStorage(c.storage().withPostgres(shards.urls(), PostgresDatabases.USER, null))));
    }

    @AfterAll
    void dropDatabases() {
        stopNode();
        databases.forEach(PostgresDatabases::close);
    }
}
