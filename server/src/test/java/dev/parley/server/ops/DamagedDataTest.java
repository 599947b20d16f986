package dev.parley.server.ops;

import dev.parley.server.AdminToken;
import dev.parley.server.DataDirectory;
import dev.parley.server.ParleyNode;
import dev.parley.server.StartRefused;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import dev.parley.store.SqliteDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A node started on a data directory whose database is gone, empty or damaged refuses to start,
 * with one line that names the file and the command that restores it, instead of starting an
 * empty database or printing a stack trace. Each case goes through {@link ParleyNode#start}, the
 * path {@code parley serve} takes.
 */
class DamagedDataTest {
    @TempDir
    static Path shared;
    private static Path template;
    private static Path backup;
    @TempDir
    Path dir;
    private Path data;
    private Path db;

    /**
     * A directory in use, made once: two users, a conversation of 300 messages, a backup, the
     * node stopped. Each test damages a copy of it.
     */
    @BeforeAll
    static void directoryInUse() throws Exception {
        template = shared.resolve("template");
        backup = shared.resolve("backups").resolve("parley.db");
        try (TestNode node = TestNode.start(template, c -> c.withLimits(c.limits().withSendRate(10_000, 10_000)))) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            long c = alice.directWith(bob);
            TestSocket a = alice.login("phone").connect();
            for (int i = 0; i < 300; i++) {
                a.sendMessage(c, "m" + i, "message number " + i + " of the conversation, long enough to fill pages");
            }
            Rest.Response b = node.adminRest().post("/admin/v1/backup", Files.readString(template.resolve(AdminToken.FILE)).strip(),
                    new JsonObject().put("path", backup.toString()));
            assertThat(b.status()).as("backup: %s", b).isEqualTo(200);
        }
        assertThat(template.resolve(DataDirectory.MARKER_FILE)).exists();
    }

    @BeforeEach
    void copyOfTheDirectory() throws Exception {
        data = dir.resolve("data");
        db = data.resolve(SqliteDatabase.FILE_NAME);
        Files.createDirectories(data);
        try (var files = Files.list(template)) {
            for (Path f : files.toList()) {
                Files.copy(f, data.resolve(f.getFileName()));
            }
        }
    }

    @Test
    void anEmptyDatabaseFileInADirectoryThatWasInUseIsRefused() throws Exception {
        Files.write(db, new byte[0]);

        String refusal = refusedStart();

        assertThat(refusal).contains(db + " is empty").contains(DataDirectory.MARKER_FILE).contains(AdminToken.FILE)
                .contains("parley admin restore BACKUP --data " + data).contains("--allow-empty");
        assertThat(Files.size(db)).as("the empty file is left as it was").isZero();
    }

    @Test
    void aDeletedDatabaseInADirectoryThatWasInUseIsRefusedUnlessAnEmptyOneIsAskedFor() throws Exception {
        Files.delete(db);
        String marker = Files.readString(data.resolve(DataDirectory.MARKER_FILE));

        String refusal = refusedStart();

        assertThat(refusal).contains(db + " is missing").contains("parley admin restore BACKUP --data " + data)
                .contains("--allow-empty");
        assertThat(db).doesNotExist();

        try (ParleyNode node = ParleyNode.start(TestNode.baseConfig(data), true)) {
            Rest.Response login = new Rest(java.net.URI.create("http://127.0.0.1:" + node.port()))
                    .login("alice", "whatever", "x");
            assertThat(login.status()).as("a new, empty database: nobody to log in").isEqualTo(401);
        }
        assertThat(Files.readString(data.resolve(DataDirectory.MARKER_FILE))).as("a new database, a new id")
                .isNotEqualTo(marker);
        // From now on it is the directory's database: starts need nothing special.
        ParleyNode.start(TestNode.baseConfig(data)).close();
    }

    @Test
    void aDirectoryFromBeforeTheMarkerWithItsDatabaseGoneIsRefusedToo() throws Exception {
        Files.delete(data.resolve(DataDirectory.MARKER_FILE));
        Files.delete(db);

        assertThat(refusedStart()).contains(db + " is missing").contains(AdminToken.FILE);
    }

    @Test
    void aGarbagePageIsFoundAtStartAndRefusedWithTheRestoreCommand() throws Exception {
        int pageSize = pageSize(db);
        long pages = Files.size(db) / pageSize;
        assertThat(pages).as("pages in the database").isGreaterThan(20);
        byte[] garbage = "garbage!".repeat(1024).getBytes(StandardCharsets.US_ASCII);
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            f.seek(pages / 2 * pageSize);
            f.write(garbage, 0, pageSize);
        }

        String refusal = refusedStart();

        // Either the check lists what it found or SQLite stops at the page ("malformed").
        assertThat(refusal).startsWith(db + " is damaged: ").containsAnyOf("quick check found", "malformed")
                .contains("parley admin restore BACKUP --data " + data).contains("parley admin check --data " + data);
        restoreAndStart();
    }

    @Test
    void aTruncatedFileIsRefused() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }

        assertThat(refusedStart()).startsWith(db + " is damaged: truncated")
                .contains("parley admin restore BACKUP --data " + data);
        restoreAndStart();
    }

    @Test
    void aFileThatIsNotADatabaseIsRefused() throws Exception {
        Files.writeString(db, "this is not a database ".repeat(1_000));

        assertThat(refusedStart()).startsWith(db + " is damaged: not a SQLite database")
                .contains("parley admin restore BACKUP --data " + data);
        restoreAndStart();
    }

    /** Starts a node on {@link #data}, expecting a refusal; returns its message, checked to be one line. */
    private String refusedStart() {
        StartRefused refused = catchThrowableOfType(StartRefused.class,
                () -> ParleyNode.start(TestNode.baseConfig(data)).close());
        assertThat(refused).as("the start was refused").isNotNull();
        assertThat(refused.getMessage()).as("one line").doesNotContain("\n");
        assertThat(refused.getStackTrace()).as("nothing to print but the line").isEmpty();
        return refused.getMessage();
    }

    /** What `parley admin restore` does, then a start: the refused start held nothing, the data is back. */
    private void restoreAndStart() throws Exception {
        Files.copy(backup, db, StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(data.resolve(SqliteDatabase.FILE_NAME + "-wal"));
        Files.deleteIfExists(data.resolve(SqliteDatabase.FILE_NAME + "-shm"));
        try (ParleyNode node = ParleyNode.start(TestNode.baseConfig(data))) {
            Rest.Response stats = new Rest(java.net.URI.create("http://127.0.0.1:" + node.adminPort()))
                    .get("/admin/v1/stats", adminToken());
            assertThat(stats.json().getJsonObject("stored").getLong("messages")).isEqualTo(300L);
        }
    }

    /** The page size in the file's header (bytes 16 and 17, big-endian). */
    private static int pageSize(Path file) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(16);
            return f.readUnsignedShort();
        }
    }

    private String adminToken() throws Exception {
        return Files.readString(data.resolve(AdminToken.FILE)).strip();
    }
}
