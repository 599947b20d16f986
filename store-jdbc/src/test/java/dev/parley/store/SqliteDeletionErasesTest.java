package dev.parley.store;

import dev.parley.core.account.Account;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message deleted for everyone is gone from the SQLite file itself, not only from what the
 * node answers: the file's bytes (free space included, as {@code secure_delete} zeroes it), its
 * write-ahead log, and a backup taken afterwards hold no trace of its text or its edits' texts.
 * Short texts live inside a page; the long one spills into overflow pages, which a deletion frees.
 */
class SqliteDeletionErasesTest {
    private static final String SHORT = "zebra-crossing-at-midnight-7731";
    private static final String EDITED = "okapi-under-the-bridge-4410";
    private static final String LONG = "narwhal-" + "long-secret-".repeat(900) + "-end";
    private static final String KEPT = "kept-message-ibex-2208";

    @TempDir
    Path dir;

    @Test
    void theTextOfADeletedMessageIsNowhereInTheFileTheLogOrALaterBackup() throws Exception {
        JdbcStores stores = JdbcStores.open(StorageSettings.sqlite(dir, Durability.FSYNC, 2, 256));
        UserId alice = new UserId(11);
        UserId bob = new UserId(12);
        long t = 1_767_225_600_000L;
        for (UserId u : new UserId[]{alice, bob}) {
            stores.accounts().createAccount(new Account(u, "user" + u.value(), "$argon2id$x", false,
                    Instant.ofEpochMilli(t)));
        }
        ConversationId c = stores.conversations().openDirect(new ConversationId(21), alice, bob, t).id();
        DeviceId phone = new DeviceId(31);
        long shortSeq = seq(stores, AppendRequest.text(c, alice, phone, "s", SHORT, ++t));
        long longSeq = seq(stores, AppendRequest.text(c, alice, phone, "l", LONG, ++t));
        seq(stores, AppendRequest.edit(c, alice, phone, "e", shortSeq, EDITED, ++t, -1, 0));
        seq(stores, AppendRequest.text(c, bob, new DeviceId(32), "k", KEPT, ++t));
        assertThat(onDisk()).as("before the deletion, the texts are in the file or its log")
                .contains(SHORT, EDITED, "narwhal-", KEPT);

        seq(stores, AppendRequest.deletion(c, alice, phone, "d1", shortSeq, ++t, -1));
        seq(stores, AppendRequest.deletion(c, alice, phone, "d2", longSeq, ++t, -1));
        Path backup = dir.resolve("backup").resolve("after.db");
        new SqliteAdministration(stores.sqlite().orElseThrow()).backup(backup);
        stores.close();

        String file = onDisk();
        assertThat(file).as("the database file and its log after the deletion").contains(KEPT)
                .doesNotContain(SHORT).doesNotContain(EDITED).doesNotContain("narwhal-").doesNotContain("long-secret-");
        String copy = Files.readString(backup, StandardCharsets.ISO_8859_1);
        assertThat(copy).as("a backup taken after the deletion").contains(KEPT)
                .doesNotContain(SHORT).doesNotContain(EDITED).doesNotContain("narwhal-");
    }

    private static long seq(JdbcStores stores, AppendRequest request) throws Exception {
        AppendResult r = stores.messages().append(request).get(30, TimeUnit.SECONDS);
        assertThat(r).isInstanceOf(AppendResult.Appended.class);
        return ((AppendResult.Appended) r).message().seq();
    }

    /** Every byte of the database file and of its write-ahead log, if any, as Latin-1 text. */
    private String onDisk() throws IOException {
        StringBuilder all = new StringBuilder();
        for (String name : new String[]{SqliteDatabase.FILE_NAME, SqliteDatabase.FILE_NAME + "-wal"}) {
            Path p = dir.resolve(name);
            if (Files.exists(p)) {
                all.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }
}
