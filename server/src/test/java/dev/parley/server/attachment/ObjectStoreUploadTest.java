package dev.parley.server.attachment;

import dev.parley.server.ServerConfig;
import dev.parley.server.support.ClusterSettings;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestObjectStore;
import dev.parley.testkit.PostgresDatabases;
import org.junit.jupiter.api.AfterAll;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Uploads on a node set up as a cluster's nodes are: PostgreSQL (two shards), Redis, and the
 * bytes in an S3-compatible object store (S3Proxy, a real S3 server over HTTP, in this JVM). Each
 * node the contract starts has its own databases, Redis namespace and bucket; what it holds is
 * the objects in its bucket and the uploads in its local incoming directory.
 */
class ObjectStoreUploadTest extends UploadContract {
    private final List<PostgresDatabases> databases = new ArrayList<>();
    private TestObjectStore objects;

    @Override
    TestNode start(Path dataDir, UnaryOperator<ServerConfig> customize) throws Exception {
        assumeTrue(ClusterSettings.redisAnswers(), "Redis is not running on 127.0.0.1:6379; .ci/run starts it");
        if (objects == null) {
            objects = TestObjectStore.start(dir.resolve("object-store"));
        }
        PostgresDatabases shards = PostgresDatabases.create(2);
        databases.add(shards);
        String namespace = ClusterSettings.freshNamespace();
        String bucket = objects.newBucket();
        return TestNode.start(dataDir, c -> customize.apply(objects.storeIn(
                ClusterSettings.node(c, shards, namespace, 1), bucket)));
    }

    @Override
    List<?> held(TestNode n) {
        List<Object> held = new ArrayList<>(objects.objects(n.config().attachments().objectStore().bucket()));
        held.addAll(Uploads.files(n.config().attachments().directory(n.config().dataDir())));
        return held;
    }

    @AfterAll
    void stopEverything() {
        stopNode();
        databases.forEach(PostgresDatabases::close);
        if (objects != null) {
            objects.close();
        }
    }
}
