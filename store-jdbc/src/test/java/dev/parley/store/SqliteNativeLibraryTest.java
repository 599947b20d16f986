package dev.parley.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.util.OSInfo;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteNativeLibraryTest {

    @Test
    void writesTheDriversOwnLibraryForThisPlatformAndNothingElse(@TempDir Path dir) throws Exception {
        assertThat(SqliteNativeLibrary.writeTo(dir.resolve("native"))).isTrue();
        Path written = dir.resolve("native").resolve(SqliteNativeLibrary.fileName());
        byte[] expected;
        try (InputStream in = OSInfo.class.getResourceAsStream("/org/sqlite/native/"
                + OSInfo.getNativeLibFolderPathForCurrentOS() + "/" + SqliteNativeLibrary.fileName())) {
            expected = in.readAllBytes();
        }
        assertThat(expected).hasSizeGreaterThan(100_000);
        assertThat(Files.readAllBytes(written)).isEqualTo(expected);
        try (var files = Files.list(dir.resolve("native"))) {
            assertThat(files).containsExactly(written); // no temporary file left behind
        }
        // Written again over an older copy (the next build's training run).
        Files.write(written, new byte[] {1, 2, 3});
        assertThat(SqliteNativeLibrary.writeTo(dir.resolve("native"))).isTrue();
        assertThat(Files.readAllBytes(written)).isEqualTo(expected);
    }
}
