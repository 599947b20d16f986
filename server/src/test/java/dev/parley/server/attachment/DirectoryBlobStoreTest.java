package dev.parley.server.attachment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The blob directory as nodes of a cluster share it: a node starting clears only its own incoming
 * uploads, and bytes stored again are spared by a sweep that would otherwise remove them.
 */
class DirectoryBlobStoreTest {
    private static final String KEY = "ab".repeat(32);

    @TempDir
    Path root;

    @Test
    void aNodeStartingLeavesAnotherNodesUploadsInFlight() throws Exception {
        DirectoryBlobStore one = DirectoryBlobStore.open(root, "node-1");
        Path receiving = Files.writeString(one.incoming().resolve("upload.part"), "half");

        DirectoryBlobStore.open(root, "node-2");
        DirectoryBlobStore oneAgain = DirectoryBlobStore.open(root, "node-1");

        assertThat(receiving).doesNotExist();
        Path other = Files.writeString(DirectoryBlobStore.open(root, "node-2").incoming().resolve("x.part"), "x");
        DirectoryBlobStore.open(root, "node-1");
        assertThat(other).exists();
        assertThat(oneAgain.incoming()).isNotEqualTo(DirectoryBlobStore.open(root, "node-2").incoming());
    }

    @Test
    void bytesStoredAgainAreSparedByAnIdleDelete() throws Exception {
        DirectoryBlobStore store = DirectoryBlobStore.open(root, "node-1");
        store.put(KEY, Files.writeString(store.incoming().resolve("a"), "bytes"));
        Path blob = store.file(KEY).orElseThrow();
        Files.setLastModifiedTime(blob, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        assertThat(store.deleteIfIdle(KEY, Duration.ofHours(3))).isFalse();

        store.put(KEY, Files.writeString(store.incoming().resolve("b"), "bytes"));

        assertThat(store.deleteIfIdle(KEY, Duration.ofHours(1))).isFalse();
        assertThat(blob).exists();
        Files.setLastModifiedTime(blob, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        assertThat(store.deleteIfIdle(KEY, Duration.ofHours(1))).isTrue();
        assertThat(blob).doesNotExist();
        assertThat(store.incoming()).isEmptyDirectory();
    }
}
