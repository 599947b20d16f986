package dev.parley.server.attachment;

import dev.parley.server.support.SmallFileSystem;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestUser;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upload whose bytes do not fit on the attachments' file system is refused with
 * {@code unavailable} and leaves nothing: never a file cut short stored as if whole. The file
 * system is a small tmpfs this test mounts (root and permission to mount needed; skipped, saying
 * so, where refused).
 */
class UploadFullDiskTest {
    private static Path mountPoint;

    @TempDir
    Path dir;

    @BeforeAll
    static void mountSmallFileSystem() throws Exception {
        mountPoint = SmallFileSystem.mount("256k", "UploadFullDiskTest");
    }

    @AfterAll
    static void unmount() throws Exception {
        SmallFileSystem.unmount(mountPoint);
    }

    @Test
    void anUploadThatDoesNotFitIsRefusedAndLeavesNothing() throws Exception {
        Path blobs = mountPoint.resolve("attachments");
        try (TestNode node = TestNode.start(dir.resolve("data"), c -> c.withAttachments(c.attachments()
                .withLimits(1024 * 1024, 4 * 1024 * 1024).withDirectory(blobs)))) {
            TestUser alice = node.newUser("alice");

            Uploads.Answer big = Uploads.upload(node, alice, "big.zip", Uploads.bytes(600 * 1024, 80));

            assertThat(big.status()).as("%s", big).isEqualTo(503);
            assertThat(big.errorCode()).isEqualTo("unavailable");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Uploads.files(blobs).isEmpty());
            assertThat(Uploads.upload(node, alice, "small.zip", Uploads.bytes(20 * 1024, 81)).status()).isEqualTo(201);
        }
    }
}
