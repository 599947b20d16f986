package dev.parley.core.memory;

import dev.parley.core.IdGenerator;
import dev.parley.core.account.Account;
import dev.parley.core.account.Caller;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationService;
import dev.parley.core.conversation.MembershipDirectory;
import dev.parley.core.group.GroupService;
import dev.parley.core.message.HistoryService;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageService;
import dev.parley.core.receipt.ReceiptService;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The core services wired to in-memory stores and a recording publisher: a whole chat domain in
 * a few microseconds, for tests of its rules without a socket or a database. Everything runs on
 * the calling thread (the directory's loads included).
 */
public final class ChatWorld {
    public static final int MAX_BODY_BYTES = 16_384;
    public static final int MAX_GROUP = 8;
    public static final int MAX_PAGE = 50;

    public final MemoryStores stores = MemoryStores.open();
    public final RecordedEvents events = new RecordedEvents();
    public final TestClock clock = new TestClock();
    public final IdGenerator ids = new IdGenerator(clock, 1);
    public final MembershipDirectory memberships = new MembershipDirectory(stores.conversations(), Runnable::run, 1_000);
    public final MessageService messages = new MessageService(stores.messages(), memberships, events, clock, MAX_BODY_BYTES);
    public final HistoryService history = new HistoryService(stores.messages(), stores.conversations(), MAX_PAGE);
    public final GroupService groups = new GroupService(stores.messages(), stores.accounts(), memberships, events, ids,
            clock, MAX_GROUP);
    public final ConversationService conversations = new ConversationService(stores.conversations(), stores.accounts(),
            memberships, ids, clock);
    public final ReceiptService receipts = new ReceiptService(stores.conversations(), memberships, events);
    private final AtomicLong clientIds = new AtomicLong();

    /** A registered user, signed in on one device. */
    public Caller user(String name) {
        UserId id = new UserId(ids.next());
        stores.accounts().createAccount(new Account(id, name, "hash", false, clock.instant()));
        return new Caller(id, new DeviceId(ids.next()));
    }

    /** Another device of the same user. */
    public Caller otherDevice(Caller caller) {
        return new Caller(caller.userId(), new DeviceId(ids.next()));
    }

    public ConversationId direct(Caller a, Caller b) {
        return conversations.openDirect(a, b.userId()).id();
    }

    public ConversationId group(Caller owner, Caller... members) {
        return groups.create(owner, "a group", java.util.Arrays.stream(members).map(Caller::userId).toList())
                .conversationId();
    }

    /** Sends text with a fresh client id and waits for the confirmation. */
    public Message say(Caller from, ConversationId to, String body) {
        return messages.send(from, to, "c" + clientIds.incrementAndGet(), body).join();
    }

    public List<Message> all(Caller reader, ConversationId id) {
        return history.page(reader, id, null, 0L, MAX_PAGE).messages();
    }

    /** A clock the test moves by hand; starts at 2026-01-01T00:00:00Z. */
    public static final class TestClock extends Clock {
        private final AtomicLong millis = new AtomicLong(1_767_225_600_000L);

        public void advance(long ms) {
            millis.addAndGet(ms);
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
