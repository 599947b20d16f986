package dev.parley.server.attachment;

import dev.parley.server.ServerConfig;
import dev.parley.server.support.TestNode;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Uploads on a node with its embedded SQLite database. */
class SqliteUploadTest extends UploadContract {
    @Override
    TestNode start(Path dataDir, UnaryOperator<ServerConfig> customize) throws Exception {
        return TestNode.start(dataDir, customize);
    }
}
