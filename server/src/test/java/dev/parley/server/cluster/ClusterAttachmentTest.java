package dev.parley.server.cluster;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.ServerConfig;
import dev.parley.server.support.ClusterSettings;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestObjectStore;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import dev.parley.testkit.PostgresDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Attachments in a cluster of two nodes on PostgreSQL and Redis, their bytes either in one
 * attachments directory both share or in an S3-compatible object store (S3Proxy, a real S3 server
 * over HTTP) while each node receives uploads into a directory of its own: a file uploaded to
 * one node and sent there reaches a member connected to the other with its description (across
 * the Redis hop), who fetches it, whole and by range, from that other node; a search there finds
 * the message.
 */
class ClusterAttachmentTest {
    /** Where the nodes keep the bytes. */
    enum Bytes { SHARED_DIRECTORY, OBJECT_STORE }

    @TempDir
    Path data;
    PostgresDatabases shards;
    TestObjectStore objects;
    TestNode one;
    TestNode two;

    void twoNodes(Bytes bytes) throws Exception {
        assumeTrue(ClusterSettings.redisAnswers(), "Redis is not running on 127.0.0.1:6379; .ci/run starts it");
        shards = PostgresDatabases.create(2);
        String namespace = ClusterSettings.freshNamespace();
        UnaryOperator<ServerConfig> where;
        if (bytes == Bytes.OBJECT_STORE) {
            objects = TestObjectStore.start(data.resolve("object-store"));
            String bucket = objects.newBucket();
            where = c -> objects.storeIn(c, bucket);
        } else {
            Path shared = data.resolve("attachments");
            where = c -> c.withAttachments(c.attachments().withDirectory(shared));
        }
        one = TestNode.start(data.resolve("one"), c -> where.apply(ClusterSettings.node(c, shards, namespace, 1)));
        two = TestNode.start(data.resolve("two"), c -> where.apply(ClusterSettings.node(c, shards, namespace, 2)));
    }

    @AfterEach
    void stop() {
        for (TestNode n : new TestNode[]{two, one}) {
            if (n != null) {
                n.close();
            }
        }
        if (shards != null) {
            shards.close();
        }
        if (objects != null) {
            objects.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Bytes.class)
    void aFileSentOnOneNodeIsDescribedAndFetchedOnTheOther(Bytes bytes) throws Exception {
        twoNodes(bytes);
        TestUser alice = one.newUser("alice");
        TestUser bob = one.newUser("bob");
        long c = alice.directWith(bob);
        TestUser.Device bobOnTwo = bob.login("phone");
        TestSocket bobSocket = TestSocket.connect(two.wsUri());
        bobSocket.auth(bobOnTwo.token());
        byte[] file = new byte[50_000];
        new Random(7).nextBytes(file);
        System.arraycopy(new byte[]{'P', 'K', 3, 4}, 0, file, 0, 4);
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> up = http.send(HttpRequest.newBuilder(one.httpUri().resolve("/v1/attachments?name=a.zip"))
                .header("Authorization", "Bearer " + alice.restDevice().token())
                .POST(HttpRequest.BodyPublishers.ofByteArray(file)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
        long id = new io.vertx.core.json.JsonObject(up.body()).getLong("id");
        TestSocket aliceSocket = alice.login("laptop").connect();

        aliceSocket.send(ClientFrame.Send.withFiles("s1", "s1", c, "plans attached", List.of(id)));
        aliceSocket.awaitFrame(ServerFrame.Sent.class);

        ServerFrame.Message seen = bobSocket.awaitFrame(ServerFrame.Message.class, m -> m.conversationId() == c);
        assertThat(seen.attachments()).singleElement().satisfies(a -> {
            assertThat(a.id()).isEqualTo(id);
            assertThat(a.name()).isEqualTo("a.zip");
            assertThat(a.size()).isEqualTo(file.length);
        });
        HttpResponse<byte[]> fetched = http.send(HttpRequest.newBuilder(URI.create(two.httpUri() + "/v1/attachments/"
                + id + "/content")).header("Authorization", "Bearer " + bobOnTwo.token()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo(file);
        HttpResponse<byte[]> part = http.send(HttpRequest.newBuilder(URI.create(two.httpUri() + "/v1/attachments/"
                + id + "/content")).header("Authorization", "Bearer " + bobOnTwo.token())
                .header("Range", "bytes=1000-1999").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(file, 1000, 2000));
        if (bytes == Bytes.OBJECT_STORE) {
            String sha = new io.vertx.core.json.JsonObject(up.body()).getString("sha256");
            assertThat(objects.objects(one.config().attachments().objectStore().bucket()))
                    .containsExactly(sha.substring(0, 2) + "/" + sha.substring(2, 4) + "/" + sha);
            for (TestNode n : new TestNode[]{one, two}) {
                assertThat(n.config().attachments().directory(n.config().dataDir()).resolve(sha.substring(0, 2)))
                        .as("the bytes are in the object store, not on the node").doesNotExist();
            }
        }
        HttpResponse<String> found = http.send(HttpRequest.newBuilder(URI.create(two.httpUri()
                + "/v1/search?q=plans")).header("Authorization", "Bearer " + bobOnTwo.token()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(found.body()).contains("plans attached");
    }
}
