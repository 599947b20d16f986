package dev.parley.store;

import dev.parley.core.ChatException;
import dev.parley.core.account.Account;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.store.hotlog.FailingChannel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Stage 2 of the hot log when the log's disk fails: a write of the log that fails (with
 * {@code os}, the write; with {@code fsync}, the sync) fails the appends of its transaction as a
 * storage fault, before SQLite commits, so none of them is a row; once the disk works again the
 * writer goes on, a retried send takes the next seq, and after a restart every entry is there
 * once (what the failed write left on disk is neither replayed nor in the way).
 */
class SqliteHotLogFailureTest {
    private static final long T0 = 1_767_225_600_000L;
    private static final UserId ALICE = new UserId(1);
    private static final UserId BOB = new UserId(2);
    private static final ConversationId DIRECT = new ConversationId(10);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void aFailedLogWriteFailsItsAppendsAndNothingOfThemIsStored(Durability durability) throws Exception {
        FailingChannel.Disk disk = new FailingChannel.Disk();
        disk.partialBytes = 100;
        try (SqliteDatabase db = SqliteDatabase.open(dir, durability, 1, 64,
                SqliteDatabase.hotLogSettings(dir, durability).withOpener(FailingChannel.opener(disk)))) {
            JdbcAccountStore accounts = new JdbcAccountStore(db);
            for (UserId u : List.of(ALICE, BOB)) {
                accounts.createAccount(new Account(u, "u" + u.value(), "h", false, Instant.ofEpochMilli(T0)));
            }
            new JdbcConversationStore(db).openDirect(DIRECT, ALICE, BOB, T0);
            JdbcMessageStore messages = new JdbcMessageStore(db);
            assertThat(seqOf(Futures.await(messages.append(text("c1", "one", T0 + 1))))).isEqualTo(1);

            if (durability == Durability.FSYNC) {
                disk.failForce = true;
            } else {
                disk.failWrites = true;
            }
            Throwable failed = catchThrowable(() -> Futures.await(messages.append(text("c2", "two", T0 + 2))));
            assertThat(failed).isInstanceOf(ChatException.class);
            assertThat(((ChatException) failed).refusal()).isEqualTo(ChatException.Refusal.UNAVAILABLE);
            assertThat(db.writer().fault()).as("a failing log is a storage fault").isPresent();
            assertThat(stored()).containsExactly("1:c1:one");

            disk.failWrites = false;
            disk.failForce = false;
            assertThat(seqOf(Futures.await(messages.append(text("c3", "three", T0 + 3))))).isEqualTo(2);
            assertThat(seqOf(Futures.await(messages.append(text("c2", "two", T0 + 2)))))
                    .as("the failed send, retried, was never stored").isEqualTo(3);
            assertThat(db.writer().fault()).isEmpty();
        }
        try (SqliteDatabase db = SqliteDatabase.open(dir, durability, 1, 64, true)) {
            assertThat(stored()).containsExactly("1:c1:one", "2:c3:three", "3:c2:two");
            assertThat(db.hotLog().replayed()).isZero();
            assertThat(db.hotLog().nextOrdinal()).isEqualTo(4);
        }
    }

    private static AppendRequest text(String clientId, String body, long at) {
        return AppendRequest.text(DIRECT, ALICE, null, clientId, body, at);
    }

    private static long seqOf(AppendResult r) {
        assertThat(r).isInstanceOf(AppendResult.Appended.class);
        return ((AppendResult.Appended) r).message().seq();
    }

    private List<String> stored() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteDatabase.FILE_NAME))) {
            PreparedStatement ps = c.prepareStatement("SELECT seq, client_id, body FROM messages"
                    + " WHERE conversation_id = ? ORDER BY seq");
            ps.setLong(1, DIRECT.value());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1) + ":" + rs.getString(2) + ":" + rs.getString(3));
                }
            }
        }
        return out;
    }
}
