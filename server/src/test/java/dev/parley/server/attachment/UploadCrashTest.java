package dev.parley.server.attachment;

import dev.parley.server.support.ChatPair;
import dev.parley.server.ServerConfig;
import dev.parley.server.support.ForkedNode;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestObjectStore;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node killed (SIGKILL) in the middle of receiving an upload leaves no file that looks like a
 * stored attachment: the part received is only in the incoming directory, and the next start of a
 * node on that data directory deletes it. With the bytes in an object store (S3Proxy), nothing of
 * the upload reaches the bucket.
 */
class UploadCrashTest {
    @TempDir
    Path dir;

    @Test
    void aKillMidUploadLeavesNoVisiblePartialFile() throws Exception {
        Path attachments = dir.resolve("data").resolve("attachments");
        Path incoming = attachments.resolve("incoming");
        try (ForkedNode node = ForkedNode.start(dir, "", List.of("-Xmx256m"))) {
            String token = ChatPair.account(node.rest(), ChatPair.unique("crash"));
            try (Socket socket = new Socket("127.0.0.1", node.port())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/attachments?name=big.zip HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + token + "\r\nContent-Length: 4194304\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(Uploads.bytes(2 * 1024 * 1024, 40));
                out.flush();
                Awaitility.await().atMost(Duration.ofSeconds(20))
                        .until(() -> Uploads.files(incoming).stream().anyMatch(p -> sizeOf(p) > 0));
                node.kill();
            }
        }
        assertThat(Uploads.files(attachments)).as("after the kill: only the partial upload, in incoming")
                .allMatch(p -> p.startsWith(incoming)).isNotEmpty();

        try (TestNode restarted = TestNode.start(dir.resolve("data"))) {
            assertThat(restarted.port()).isPositive();
            assertThat(Uploads.files(attachments)).as("after the restart").isEmpty();
        }
    }

    @Test
    void aKillMidUploadLeavesNothingInTheObjectStore() throws Exception {
        Path incoming = dir.resolve("data").resolve("attachments").resolve("incoming");
        try (TestObjectStore objects = TestObjectStore.start(dir.resolve("s3"))) {
            String bucket = objects.newBucket();
            ServerConfig.ObjectStore s3 = objects.settings(bucket);
            String yaml = "attachments: {store: s3, s3Endpoint: '" + s3.endpoint() + "', s3Bucket: " + bucket
                    + ", s3AccessKey: " + s3.accessKey() + ", s3SecretKey: " + s3.secretKey() + ", s3PathStyle: true}\n";
            try (ForkedNode node = ForkedNode.start(dir, yaml, List.of("-Xmx256m"))) {
                String token = ChatPair.account(node.rest(), ChatPair.unique("crash"));
                try (Socket socket = new Socket("127.0.0.1", node.port())) {
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST /v1/attachments?name=big.zip HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                            + token + "\r\nContent-Length: 4194304\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(Uploads.bytes(2 * 1024 * 1024, 41));
                    out.flush();
                    Awaitility.await().atMost(Duration.ofSeconds(20))
                            .until(() -> Uploads.files(incoming).stream().anyMatch(p -> sizeOf(p) > 0));
                    node.kill();
                }
            }
            assertThat(objects.objects(bucket)).as("after the kill: nothing in the bucket").isEmpty();
            assertThat(Uploads.files(incoming)).as("after the kill: the partial upload, on the node's disk").isNotEmpty();

            try (TestNode restarted = TestNode.start(dir.resolve("data"), c -> objects.storeIn(c, bucket))) {
                assertThat(Uploads.files(incoming)).as("after the restart").isEmpty();
                assertThat(objects.objects(bucket)).isEmpty();
            }
        }
    }

    private static long sizeOf(Path p) {
        try {
            return java.nio.file.Files.size(p);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
