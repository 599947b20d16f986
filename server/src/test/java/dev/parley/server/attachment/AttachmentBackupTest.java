package dev.parley.server.attachment;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.AdminToken;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import dev.parley.store.SqliteDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An online backup of a single node saves the files its messages carry beside the database copy,
 * and a restore from it gives a node on which the members fetch them again.
 */
class AttachmentBackupTest {
    @TempDir
    Path dir;

    @Test
    void aBackupCarriesTheAttachmentsAndARestoreBringsThemBack() throws Exception {
        Path data = dir.resolve("live");
        Path backup = dir.resolve("backups/parley.db");
        byte[] file = Uploads.bytes(40_000, 50);
        TestUser bob;
        long id;
        try (TestNode node = TestNode.start(data)) {
            TestUser alice = node.newUser("alice");
            bob = node.newUser("bob");
            long c = alice.directWith(bob);
            id = Uploads.uploadOk(node, alice, "kept.zip", file);
            Uploads.uploadOk(node, alice, "never-sent-but-kept-too.zip", Uploads.bytes(1000, 51));
            TestSocket socket = alice.login("phone").connect();
            socket.send(ClientFrame.Send.withFiles("s", "s", c, "", List.of(id)));
            socket.awaitFrame(ServerFrame.Sent.class);

            Rest.Response b = node.adminRest().post("/admin/v1/backup",
                    Files.readString(data.resolve(AdminToken.FILE)).strip(), new JsonObject().put("path", backup.toString()));
            assertThat(b.status()).as("%s", b).isEqualTo(200);
            assertThat(b.json().getInteger("attachments")).isEqualTo(2);
        }
        assertThat(Uploads.files(AttachmentBackup.beside(backup))).hasSize(2);

        Path restored = dir.resolve("restored");
        Files.createDirectories(restored);
        Files.copy(backup, restored.resolve(SqliteDatabase.FILE_NAME));
        assertThat(AttachmentBackup.restore(backup, restored.resolve("attachments"))).isEqualTo(2);
        try (TestNode node = TestNode.start(restored)) {
            String token = node.rest().login(bob.username(), bob.password(), "restored").json().getString("token");
            Uploads.Answer fetched = Uploads.contentWithToken(node, token, id);
            assertThat(fetched.status()).as("%s", fetched).isEqualTo(200);
            assertThat(fetched.body()).isEqualTo(file);
        }
    }
}
