package dev.parley.testkit;

import dev.parley.core.ChatException.Refusal;
import dev.parley.core.IdGenerator;
import dev.parley.core.account.Account;
import dev.parley.core.account.AccountStore;
import dev.parley.core.account.Device;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationEntry;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.ListCursor;
import dev.parley.core.conversation.Positions;
import dev.parley.core.conversation.Role;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.MembershipChange;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.core.message.MessageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every store contract test stands on: the stores under test, opened fresh for each test on an
 * empty database by the adapter's {@link #openStores()}, a clock and ids that count up the same way
 * every run, and the helpers the tests share (a user, a device, a direct conversation, a group, an
 * append that waits). The contracts themselves are the subclasses, one per port and concern; an
 * adapter's test extends {@link StoreContract}, which gathers them all.
 *
 * <p>{@link #openStores()} is called once per test and must return stores on an <em>empty</em>
 * database (a fresh directory, a fresh schema, or truncated tables): the tests use the same ids and
 * usernames every time. {@link #openSecondStores()} may return a second, independent instance on
 * the same database, for the tests of concurrent writers on several nodes; they are skipped when it
 * returns null. Everything opened is closed after each test, second instance first.
 *
 * <p>No test depends on timing: concurrent tests start their threads together behind a latch and
 * assert only on the outcome.
 */
public abstract class StoreFixture {
    /** 2026-01-01T00:00:00Z; the timestamps the tests store count up from here, one ms per use. */
    protected static final long T0 = 1_767_225_600_000L;
    protected static final long TIMEOUT_SECONDS = 60;
    protected static final long MAX = Long.MAX_VALUE;

    private final List<Stores> opened = new ArrayList<>();
    private final Map<UserId, DeviceId> devices = new ConcurrentHashMap<>();
    private final AtomicLong clock = new AtomicLong(T0);
    protected IdGenerator ids;

    protected AccountStore accounts;
    protected ConversationStore conversations;
    protected MessageStore messages;

    /** Opens the stores on an empty database; called once per test. */
    protected abstract Stores openStores() throws Exception;

    /**
     * Opens a second, independent instance (its own writer and connections) on the database that
     * {@link #openStores()} opened last, as a second node would; null if the engine cannot (SQLite).
     */
    protected Stores openSecondStores() throws Exception {
        return null;
    }

    @BeforeEach
    protected final void openContractStores() throws Exception {
        ids = new IdGenerator(Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC), 0);
        Stores stores = openStores();
        assertThat(stores).as("openStores()").isNotNull();
        opened.add(stores);
        accounts = stores.accountStore();
        conversations = stores.conversationStore();
        messages = stores.messageStore();
    }

    @AfterEach
    protected final void closeContractStores() throws Exception {
        Exception failure = null;
        for (Stores s : opened.reversed()) {
            try {
                s.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        opened.clear();
        if (failure != null) {
            throw failure;
        }
    }


    // ------------------------------------------------------------------------------------------
    // Helpers for the tests and for subclasses adding engine-specific ones

    /** The second instance, registered for closing; skips the test when the engine has none. */
    protected final Stores secondStores() throws Exception {
        Stores second = openSecondStores();
        assumeTrue(second != null, "this store cannot run a second instance on the same database");
        opened.add(second);
        return second;
    }

    /** A fresh positive id below 2^53. */
    protected final long nextId() {
        return ids.next();
    }

    /** A strictly increasing timestamp in ms, from {@link #T0} on. */
    protected final long tick() {
        return clock.incrementAndGet();
    }

    protected final Account account(String username) {
        return new Account(new UserId(ids.next()), username, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
                false, Instant.ofEpochMilli(tick()));
    }

    protected final UserId newUser(String username) {
        Account a = account(username);
        assertThat(accounts.createAccount(a)).as("creating %s", username).contains(a);
        return a.id();
    }

    protected final Device device(UserId user, String name, long createdAtMs) {
        return new Device(new DeviceId(ids.next()), user, name, Instant.ofEpochMilli(createdAtMs),
                Instant.ofEpochMilli(createdAtMs));
    }

    /** The device a user sends from in these tests (it need not be stored). */
    protected final DeviceId device(UserId user) {
        return devices.computeIfAbsent(user, u -> new DeviceId(ids.next()));
    }

    /** The SHA-256 of a token, as the account service stores it. */
    protected static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    protected final ConversationId direct(UserId a, UserId b) {
        return conversations.openDirect(new ConversationId(ids.next()), a, b, tick()).id();
    }

    /** A group owned by {@code owner} whose other members are plain members, all joined at seq 1. */
    protected final ConversationId group(UserId owner, UserId... members) {
        ConversationId g = new ConversationId(ids.next());
        AppendResult.Appended created = await(messages.createGroup(g, owner, device(owner), "Group " + g,
                List.of(members), tick()));
        assertThat(created.message().seq()).isEqualTo(1);
        return g;
    }

    protected final void promote(ConversationId g, UserId owner, UserId user) {
        AppendResult.Appended a = appended(change(g, owner, new MembershipChange.SetRole(user, Role.ADMIN)));
        assertThat(a.membership().roleOf(user)).isEqualTo(Role.ADMIN);
    }

    protected final AppendResult append(AppendRequest request) {
        return await(messages.append(request));
    }

    /** Appends a text without a client id and returns the stored message. */
    protected final Message text(ConversationId c, UserId sender, String body) {
        return appended(append(AppendRequest.text(c, sender, device(sender), null, body, tick()))).message();
    }

    protected final AppendResult change(ConversationId c, UserId sender, MembershipChange change) {
        return append(changeRequest(c, sender, change));
    }

    /**
     * The request the group service builds for a membership change: the entry's kind and the
     * change; the store derives the entry's title, user ids and role from the change.
     */
    protected final AppendRequest changeRequest(ConversationId c, UserId sender, MembershipChange change) {
        MessageKind kind = switch (change) {
            case MembershipChange.Add add -> MessageKind.MEMBERS_ADDED;
            case MembershipChange.Remove remove -> MessageKind.MEMBER_REMOVED;
            case MembershipChange.Leave leave -> MessageKind.MEMBER_LEFT;
            case MembershipChange.Rename rename -> MessageKind.RENAMED;
            case MembershipChange.SetRole set -> MessageKind.ROLE_CHANGED;
            case MembershipChange.AcceptRequest accept -> MessageKind.REQUEST_ACCEPTED;
        };
        return AppendRequest.change(c, sender, device(sender), kind, change, tick());
    }

    protected final Optional<Positions> advance(ConversationId c, UserId user, long delivered, long read) {
        return await(conversations.advancePositions(c, user, delivered, read));
    }

    protected static ListCursor cursorAfter(ConversationEntry e) {
        return new ListCursor(e.conversation().lastActivityAt(), e.conversation().id().value());
    }

    protected final long lastSeq(ConversationId c) {
        return conversations.find(c).orElseThrow().lastSeq();
    }

    protected final ConversationId conversationWithTexts(int n) {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        for (int i = 1; i <= n; i++) {
            assertThat(text(c, i % 2 == 0 ? bob : alice, "message " + i).seq()).isEqualTo(i);
        }
        return c;
    }

    protected static List<Long> seqs(List<Message> page) {
        return page.stream().map(Message::seq).toList();
    }

    protected static AppendResult.Appended appended(AppendResult r) {
        assertThat(r).as("append result").isInstanceOf(AppendResult.Appended.class);
        return (AppendResult.Appended) r;
    }

    protected static void assertRefused(AppendResult r, Refusal refusal) {
        assertThat(r).as("append result").isInstanceOfSatisfying(AppendResult.Refused.class,
                refused -> assertThat(refused.refusal()).as("refusal (%s)", refused.reason()).isEqualTo(refusal));
    }

    /** The membership the store reads now equals the one the append reported, versioned at its entry. */
    protected final void assertStoreAgrees(AppendResult.Appended a) {
        assertThat(a.membership()).as("Appended.membership()").isNotNull();
        assertThat(a.membership().version()).as("membership version").isEqualTo(a.message().seq());
        assertThat(a.membership().conversationId()).isEqualTo(a.message().conversationId());
        assertThat(conversations.membership(a.message().conversationId())).as("membership read from the store")
                .contains(a.membership());
        assertThat(messages.range(a.message().conversationId(), a.message().seq() - 1, a.message().seq(), 1))
                .as("the stored entry").containsExactly(a.message());
    }

    protected static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError("store future failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("store future did not complete within " + TIMEOUT_SECONDS + " s");
        }
    }

    /** What one of the threads of {@link #concurrently} does, given its index. */
    @FunctionalInterface
    protected interface ThreadBody<T> {
        T run(int thread) throws Exception;
    }

    /**
     * Runs {@code body} on {@code threads} threads released together, and returns their results in
     * thread order once all are done.
     */
    protected static <T> List<T> concurrently(int threads, ThreadBody<T> body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>(threads);
            for (int t = 0; t < threads; t++) {
                int index = t;
                Callable<T> task = () -> {
                    ready.countDown();
                    if (!go.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                        throw new AssertionError("start signal never came");
                    }
                    return body.run(index);
                };
                futures.add(pool.submit(task));
            }
            assertThat(ready.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("threads started").isTrue();
            go.countDown();
            List<T> results = new ArrayList<>(threads);
            for (Future<T> f : futures) {
                try {
                    results.add(f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    throw new AssertionError("a concurrent caller failed: " + e.getCause(), e.getCause());
                }
            }
            return Collections.unmodifiableList(results);
        } finally {
            pool.shutdownNow();
        }
    }
}
