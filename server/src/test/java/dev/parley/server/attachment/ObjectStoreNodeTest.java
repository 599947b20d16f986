package dev.parley.server.attachment;

import dev.parley.server.StartRefused;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestObjectStore;
import dev.parley.server.support.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.parley.server.attachment.Uploads.bytes;
import static dev.parley.server.attachment.Uploads.content;
import static dev.parley.server.attachment.Uploads.upload;
import static dev.parley.server.attachment.Uploads.uploadOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A node whose attachments live in an S3-compatible store (S3Proxy over HTTP) when that store is
 * wrong or gone: a bucket that does not exist refuses the start with what to fix (and the same
 * data directory starts once it is fixed, and serves a file of many chunks whole and by range); a store that goes away later makes uploads and
 * downloads answer {@code 503 unavailable}, and readiness list the problem while the node stays
 * ready (every node shares the store, so no balancer could route around it).
 */
class ObjectStoreNodeTest {
    @TempDir
    Path dir;

    @Test
    void aBucketThatIsNotThereRefusesTheStartAndTheFixedSettingsStart() throws Exception {
        try (TestObjectStore objects = TestObjectStore.start(dir.resolve("s3"))) {
            assertThatThrownBy(() -> TestNode.start(dir.resolve("node"), c -> objects.storeIn(c, "not-made-yet")))
                    .isInstanceOf(StartRefused.class)
                    .hasMessageContaining("bucket not-made-yet at " + objects.endpoint())
                    .hasMessageContaining("does not exist");

            String bucket = objects.newBucket();
            try (TestNode node = TestNode.start(dir.resolve("node"), c -> objects.storeIn(c, bucket))) {
                TestUser alice = node.newUser("alice");
                // Many of the download's chunks, and a range across their borders.
                byte[] file = bytes(3 * 1024 * 1024 + 17, 1);
                long id = uploadOk(node, alice, "a.zip", file);
                assertThat(content(node, alice, id).body()).isEqualTo(file);
                Uploads.Answer part = content(node, alice, id, "Range", "bytes=65000-1200000");
                assertThat(part.status()).isEqualTo(206);
                assertThat(part.header("Content-Length")).isEqualTo("1135001");
                assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(file, 65000, 1200001));
                assertThat(objects.objects(bucket)).hasSize(1);
            }
        }
    }

    @Test
    void aStoreThatGoesAwayAnswersUnavailableAndIsListedInReadiness() throws Exception {
        TestObjectStore objects = TestObjectStore.start(dir.resolve("s3"));
        String bucket = objects.newBucket();
        try (TestNode node = TestNode.start(dir.resolve("node"), c -> objects.storeIn(c, bucket))) {
            TestUser alice = node.newUser("alice");
            long id = uploadOk(node, alice, "a.zip", bytes(3000, 2));
            assertThat(node.rest().get("/health/ready", null).json().containsKey("problems")).isFalse();

            objects.close();

            Uploads.Answer fetched = content(node, alice, id);
            assertThat(fetched.status()).as("%s", fetched).isEqualTo(503);
            assertThat(fetched.errorCode()).isEqualTo("unavailable");
            Uploads.Answer stored = upload(node, alice, "b.zip", bytes(3000, 3));
            assertThat(stored.status()).as("%s", stored).isEqualTo(503);
            assertThat(Uploads.files(node.config().attachments().directory(node.config().dataDir())))
                    .as("the refused upload leaves nothing behind").isEmpty();
            Rest.Response ready = node.rest().get("/health/ready", null);
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().getJsonArray("problems").getString(0))
                    .startsWith("attachment store failing since").contains(bucket);
        }
    }
}
