package dev.parley.microbench;

import dev.parley.core.account.Account;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.AppendRequest;
import dev.parley.store.JdbcAccountStore;
import dev.parley.store.JdbcConversationStore;
import dev.parley.store.SqliteDatabase;

import java.time.Instant;

/**
 * The SQLite benchmarks' fixture (also the hot-log prototype's database): {@code count} direct conversations, each between two new
 * users, with the device the first of them sends from (the same ids in every benchmark, so their
 * databases are alike).
 */
public final class DirectPairs {
    private final ConversationId[] conversations;
    private final UserId[] senders;
    private final DeviceId[] devices;

    private DirectPairs(int count) {
        conversations = new ConversationId[count];
        senders = new UserId[count];
        devices = new DeviceId[count];
    }

    public static DirectPairs open(SqliteDatabase db, int count) {
        JdbcAccountStore accounts = new JdbcAccountStore(db);
        JdbcConversationStore conversationStore = new JdbcConversationStore(db);
        DirectPairs pairs = new DirectPairs(count);
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            UserId a = new UserId(1_000 + 2L * i), b = new UserId(1_001 + 2L * i);
            accounts.createAccount(new Account(a, "a" + i, "x", false, now));
            accounts.createAccount(new Account(b, "b" + i, "x", false, now));
            pairs.conversations[i] = conversationStore.openDirect(new ConversationId(500_000 + i), a, b,
                    now.toEpochMilli()).id();
            pairs.senders[i] = a;
            pairs.devices[i] = new DeviceId(900_000 + i);
        }
        return pairs;
    }

    /** A text message in conversation {@code i} from its sender's device. */
    AppendRequest text(int i, String clientId, String body, long createdAt) {
        return AppendRequest.text(conversations[i], senders[i], devices[i], clientId, body, createdAt);
    }
}
