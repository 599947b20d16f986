package dev.parley.store;

import dev.parley.core.account.Account;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The process {@link SqliteDurabilityTest} halts: appends to one conversation, prints each append
 * it saw confirmed, queues many more, and halts the JVM without closing anything.
 */
public final class HaltingWriter {
    static final String CONFIRMED = "confirmed ";
    static final String HALTING = "halting";
    static final int EXIT_CODE = 42;
    static final int CONFIRMED_APPENDS = 300;
    static final int UNCONFIRMED_APPENDS = 2_000;
    static final ConversationId CONVERSATION = new ConversationId(7);

    private HaltingWriter() {
    }

    static String body(int index) {
        return "message " + index;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Durability durability = Durability.parse(args[1]);
        SqliteDatabase db = SqliteDatabase.open(dir, durability, 1, 64);
        JdbcAccountStore accounts = new JdbcAccountStore(db);
        JdbcMessageStore messages = new JdbcMessageStore(db);
        UserId alice = new UserId(1);
        UserId bob = new UserId(2);
        accounts.createAccount(new Account(alice, "alice", "h", false, Instant.EPOCH));
        accounts.createAccount(new Account(bob, "bob", "h", false, Instant.EPOCH));
        new JdbcConversationStore(db).openDirect(CONVERSATION, alice, bob, 0);

        List<CompletableFuture<AppendResult>> confirmed = new ArrayList<>();
        for (int i = 0; i < CONFIRMED_APPENDS; i++) {
            confirmed.add(messages.append(AppendRequest.text(CONVERSATION, alice, null, "c" + i, body(i), i)));
        }
        for (CompletableFuture<AppendResult> f : confirmed) {
            AppendResult.Appended a = (AppendResult.Appended) f.get(30, TimeUnit.SECONDS);
            System.out.println(CONFIRMED + a.message().seq());
        }
        for (int i = CONFIRMED_APPENDS; i < CONFIRMED_APPENDS + UNCONFIRMED_APPENDS; i++) {
            messages.append(AppendRequest.text(CONVERSATION, alice, null, "c" + i, body(i), i));
        }
        System.out.println(HALTING);
        System.out.flush();
        Runtime.getRuntime().halt(EXIT_CODE);
    }
}
