package dev.parley.server.ops;

import dev.parley.server.AdminToken;
import dev.parley.server.DataDirectory;
import dev.parley.server.PidFile;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.store.SqliteDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a node writes is its owner's alone: the data directory (0700), the database with its log
 * and shared-memory files, the admin token, push keys, marker, lock and pid files (0600), and
 * backups (0600, in directories made 0700). The node writes no log files (logs go to standard
 * output).
 */
class FilePermissionsTest {
    @TempDir
    Path dir;

    @Test
    void theDataDirectoryDatabaseAndBackupsAreCreatedOwnerOnly() throws Exception {
        Path data = dir.resolve("var").resolve("parley");
        Path backup = dir.resolve("backups").resolve("today").resolve("parley.db");
        try (TestNode node = TestNode.start(data)) {
            node.newUser("alice");
            String token = Files.readString(data.resolve(AdminToken.FILE)).strip();
            Rest.Response b = node.adminRest().post("/admin/v1/backup", token, new JsonObject().put("path", backup.toString()));
            assertThat(b.status()).as("backup: %s", b).isEqualTo(200);

            assertThat(permissions(data)).as("data directory").isEqualTo("rwx------");
            assertThat(permissions(data.getParent())).as("its parent, made for it").isEqualTo("rwx------");
            for (String file : new String[] {SqliteDatabase.FILE_NAME, SqliteDatabase.FILE_NAME + "-wal",
                    SqliteDatabase.FILE_NAME + "-shm", "search.db", "search.db-wal", "search.db-shm", AdminToken.FILE, "vapid.json", DataDirectory.MARKER_FILE,
                    DataDirectory.LOCK_FILE, PidFile.FILE}) {
                assertThat(permissions(data.resolve(file))).as(file).isEqualTo("rw-------");
            }
            assertThat(permissions(backup)).as("backup").isEqualTo("rw-------");
            assertThat(permissions(backup.getParent())).as("backup directory made for it").isEqualTo("rwx------");
        }
    }

    private static String permissions(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
