package dev.parley.server.attachment;

import dev.parley.server.ServerConfig;
import dev.parley.server.StartRefused;
import dev.parley.server.support.TestObjectStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The blob store on a real S3-compatible server (S3Proxy over HTTP): bytes stored under their
 * hash in the directory store's layout and read back whole or by range, bytes stored again spared
 * by an idle delete, and a store that cannot be used refused at start with what to fix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3BlobStoreTest {
    private static final String TEXT = "the bytes of an attachment, 0123456789";

    @TempDir
    static Path dir;
    TestObjectStore server;

    @BeforeAll
    void startServer() throws Exception {
        server = TestObjectStore.start(dir.resolve("s3"));
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private S3BlobStore open(String bucket) throws Exception {
        return S3BlobStore.open(server.settings(bucket), dir.resolve("local-" + bucket), "node-1");
    }

    private static String sha(String text) throws Exception {
        return UploadContract.sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void bytesAreStoredUnderTheirHashAndReadWholeOrByRange() throws Exception {
        String bucket = server.newBucket();
        String key = sha(TEXT);
        try (S3BlobStore store = open(bucket)) {
            Path received = Files.writeString(store.incoming().resolve("upload.part"), TEXT);

            store.put(key, received);

            assertThat(received).doesNotExist();
            assertThat(server.objects(bucket)).containsExactly(key.substring(0, 2) + "/" + key.substring(2, 4) + "/" + key);
            assertThat(store.contains(key)).isTrue();
            assertThat(store.file(key)).isEmpty();
            try (InputStream in = store.open(key, 0)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(TEXT);
            }
            try (InputStream in = store.open(key, 4, 5)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("bytes");
            }
            try (InputStream in = store.open(key, TEXT.length() - 10)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("0123456789");
            }
            // A reader that gives up early releases the object without reading on.
            try (InputStream in = store.open(key, 0)) {
                assertThat(in.read()).isEqualTo('t');
            }
            assertThat(store.problem()).isEmpty();
        }
    }

    @Test
    void aMissingBlobIsNotFoundAndDeletingItTwiceIsNoError() throws Exception {
        String bucket = server.newBucket();
        String key = sha("gone");
        try (S3BlobStore store = open(bucket)) {
            store.put(key, Files.writeString(store.incoming().resolve("a"), "gone"));
            store.delete(key);
            store.delete(key);

            assertThat(store.contains(key)).isFalse();
            assertThatThrownBy(() -> store.open(key, 0)).isInstanceOf(NoSuchFileException.class);
            assertThat(store.deleteIfIdle(key, Duration.ZERO)).isFalse();
            assertThat(server.objects(bucket)).isEmpty();
            assertThat(store.problem()).isEmpty();
        }
    }

    @Test
    void bytesStoredAgainAreSparedByAnIdleDelete() throws Exception {
        String bucket = server.newBucket();
        String key = sha(TEXT);
        try (S3BlobStore store = open(bucket)) {
            store.put(key, Files.writeString(store.incoming().resolve("a"), TEXT));
            age(bucket, key, Duration.ofHours(2));
            assertThat(store.deleteIfIdle(key, Duration.ofHours(3))).isFalse();

            store.put(key, Files.writeString(store.incoming().resolve("b"), TEXT));

            assertThat(store.deleteIfIdle(key, Duration.ofHours(1))).isFalse();
            try (InputStream in = store.open(key, 0)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(TEXT);
            }
            age(bucket, key, Duration.ofHours(2));
            assertThat(store.deleteIfIdle(key, Duration.ofHours(1))).isTrue();
            assertThat(server.objects(bucket)).isEmpty();
            assertThat(store.incoming()).isEmptyDirectory();
        }
    }

    /** Makes the object look stored {@code ago}: S3Proxy's file store reports the file's time. */
    private void age(String bucket, String key, Duration ago) throws Exception {
        Path file = dir.resolve("s3").resolve(bucket).resolve(S3BlobStore.objectName(key));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(ago)));
    }

    @Test
    void aNodeStartingEmptiesItsOwnIncomingUploads() throws Exception {
        String bucket = server.newBucket();
        Path local = dir.resolve("local-incoming");
        Path left;
        try (S3BlobStore one = S3BlobStore.open(server.settings(bucket), local, "node-1")) {
            left = Files.writeString(one.incoming().resolve("upload.part"), "half");
        }
        try (S3BlobStore two = S3BlobStore.open(server.settings(bucket), local, "node-2")) {
            assertThat(left).exists();
        }
        try (S3BlobStore again = S3BlobStore.open(server.settings(bucket), local, "node-1")) {
            assertThat(left).doesNotExist();
        }
        assertThat(server.objects(bucket)).as("the start check leaves nothing").isEmpty();
    }

    @Test
    void withoutKeysInTheSettingsTheSdksOwnCredentialsAreUsed() throws Exception {
        ServerConfig.ObjectStore keyless = new ServerConfig.ObjectStore(server.endpoint(), server.newBucket(),
                "us-east-1", null, null, true);
        // The SDK's default chain reads these as it reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
        System.setProperty("aws.accessKeyId", TestObjectStore.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", TestObjectStore.SECRET_KEY);
        try (S3BlobStore store = S3BlobStore.open(keyless, dir.resolve("keyless"), "node-1")) {
            String key = sha(TEXT);
            store.put(key, Files.writeString(store.incoming().resolve("a"), TEXT));
            assertThat(store.contains(key)).isTrue();
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void aStoreThatCannotBeUsedRefusesTheStartSayingWhatToFix() throws Exception {
        ServerConfig.ObjectStore good = server.settings(server.newBucket());
        ServerConfig.ObjectStore noBucket = new ServerConfig.ObjectStore(good.endpoint(), "no-such-bucket", "us-east-1",
                good.accessKey(), good.secretKey(), true);
        ServerConfig.ObjectStore wrongSecret = new ServerConfig.ObjectStore(good.endpoint(), good.bucket(), "us-east-1",
                good.accessKey(), "not-the-secret", true);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ServerConfig.ObjectStore nobodyThere = new ServerConfig.ObjectStore("http://127.0.0.1:" + closedPort,
                good.bucket(), "us-east-1", good.accessKey(), good.secretKey(), true);

        assertThatThrownBy(() -> S3BlobStore.open(noBucket, dir.resolve("x"), "node-1"))
                .isInstanceOf(StartRefused.class).hasMessageContaining("no-such-bucket")
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> S3BlobStore.open(wrongSecret, dir.resolve("x"), "node-1"))
                .isInstanceOf(StartRefused.class).hasMessageContaining("403")
                .hasMessageContaining("attachments.s3SecretKey").hasMessageNotContaining("not-the-secret");
        assertThatThrownBy(() -> S3BlobStore.open(nobodyThere, dir.resolve("x"), "node-1"))
                .isInstanceOf(StartRefused.class).hasMessageContaining("cannot reach the object store")
                .hasMessageContaining("attachments.s3Endpoint");
    }

    @Test
    void aStoreThatGoesAwayIsReportedAsAProblem() throws Exception {
        Path objects = dir.resolve("s3-away");
        TestObjectStore away = TestObjectStore.start(objects);
        String bucket = away.newBucket();
        String key = sha(TEXT);
        try (S3BlobStore store = S3BlobStore.open(away.settings(bucket), dir.resolve("local-away"), "node-1")) {
            store.put(key, Files.writeString(store.incoming().resolve("a"), TEXT));
            away.close();

            store.check();

            assertThat(store.problem()).hasValueSatisfying(p -> assertThat(p)
                    .startsWith("attachment store failing since").contains(bucket));
            assertThatThrownBy(() -> store.open(key, 0)).isInstanceOf(java.io.IOException.class)
                    .isNotInstanceOf(NoSuchFileException.class);
        }
    }
}
