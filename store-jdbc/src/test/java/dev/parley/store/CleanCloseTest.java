package dev.parley.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A clean close marks the file; the next open skips the quick check only for exactly those bytes. */
class CleanCloseTest {
    @TempDir
    Path dir;

    @Test
    void aCleanCloseMarksTheFileAndTheOpenTakesTheMarkAway() throws Exception {
        Path file = dir.resolve(SqliteDatabase.FILE_NAME);
        SqliteDatabase.open(dir, Durability.OS, 1, 64).close();
        assertThat(CleanClose.mark(file)).exists();
        assertThat(Files.getPosixFilePermissions(CleanClose.mark(file))).isEqualTo(OwnerOnly.FILE);

        SqliteDatabase db = SqliteDatabase.open(dir, Durability.OS, 1, 64);
        try {
            // A node that crashed now would leave no mark: its next start is checked.
            assertThat(CleanClose.mark(file)).doesNotExist();
        } finally {
            db.close();
        }
        assertThat(CleanClose.unchangedSinceClose(file)).isTrue();
        assertThat(CleanClose.mark(file)).doesNotExist();
        assertThat(CleanClose.unchangedSinceClose(file)).isFalse();
    }

    @Test
    void aByteChangedAfterTheCloseIsCheckedAndRefusedAtTheNextOpen() throws Exception {
        Path file = dir.resolve(SqliteDatabase.FILE_NAME);
        SqliteDatabase.open(dir, Durability.OS, 1, 64).close();
        long length = Files.size(file);
        // The same length, one page overwritten: only the bytes tell.
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(length - 2 * 4096);
            f.write("garbage!".repeat(512).getBytes());
        }
        assertThat(Files.size(file)).isEqualTo(length);

        assertThatThrownBy(() -> SqliteDatabase.open(dir, Durability.OS, 1, 64))
                .isInstanceOf(DamagedDatabaseException.class);
    }

    @Test
    void aFileWithALogBesideItIsNotTakenAsClosedCleanly() throws Exception {
        Path file = dir.resolve(SqliteDatabase.FILE_NAME);
        SqliteDatabase.open(dir, Durability.OS, 1, 64).close();
        Files.write(file.resolveSibling(file.getFileName() + "-wal"), new byte[] {1});

        assertThat(CleanClose.unchangedSinceClose(file)).isFalse();
    }
}
