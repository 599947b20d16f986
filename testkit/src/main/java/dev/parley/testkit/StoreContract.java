package dev.parley.testkit;

import dev.parley.core.ChatException.Refusal;
import dev.parley.core.IdGenerator;
import dev.parley.core.account.Account;
import dev.parley.core.account.AccountStore;
import dev.parley.core.account.Device;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.Invite;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.Conversation;
import dev.parley.core.conversation.ConversationEntry;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.ListCursor;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.conversation.Membership;
import dev.parley.core.conversation.Positions;
import dev.parley.core.conversation.Role;
import dev.parley.core.conversation.UserConversation;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.MembershipChange;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.core.message.MessageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The behaviour every implementation of the store ports ({@link AccountStore},
 * {@link ConversationStore}, {@link MessageStore}) must show. An adapter's test extends this
 * class and says how to open its stores; every test then runs unchanged against it.
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
public abstract class StoreContract {
    /** 2026-01-01T00:00:00Z; the timestamps the tests store count up from here, one ms per use. */
    protected static final long T0 = 1_767_225_600_000L;
    private static final long TIMEOUT_SECONDS = 60;
    private static final long MAX = Long.MAX_VALUE;

    private final List<Stores> opened = new ArrayList<>();
    private final Map<UserId, DeviceId> devices = new ConcurrentHashMap<>();
    private final AtomicLong clock = new AtomicLong(T0);
    private IdGenerator ids;

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
    // Accounts and devices

    @Test
    public void createdAccountIsFoundByIdAndUsername() {
        Account alice = account("alice");
        assertThat(accounts.createAccount(alice)).contains(alice);

        assertThat(accounts.findAccount(alice.id())).contains(alice);
        assertThat(accounts.findAccountByUsername("alice")).contains(alice);
        assertThat(accounts.findAccount(new UserId(ids.next()))).isEmpty();
        assertThat(accounts.findAccountByUsername("bob")).isEmpty();
    }

    @Test
    public void duplicateUsernameIsRefusedAndKeepsTheFirstAccount() {
        Account first = account("alice");
        Account second = account("alice");
        assertThat(accounts.createAccount(first)).contains(first);

        assertThat(accounts.createAccount(second)).isEmpty();

        assertThat(accounts.findAccountByUsername("alice")).contains(first);
        assertThat(accounts.findAccount(second.id())).isEmpty();
    }

    @Test
    public void findAccountsLeavesOutMissingIds() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId ghost = new UserId(ids.next());

        List<Account> found = accounts.findAccounts(List.of(alice, ghost, bob));

        assertThat(found).extracting(Account::id).containsExactlyInAnyOrder(alice, bob);
        assertThat(found).extracting(Account::username).containsExactlyInAnyOrder("alice", "bob");
        assertThat(accounts.findAccounts(List.of(ghost))).isEmpty();
        assertThat(accounts.findAccounts(List.of())).isEmpty();
    }

    @Test
    public void setDisabledMarksTheAccountAndReportsWhetherItExists() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");

        assertThat(accounts.setDisabled(alice, true)).isTrue();
        assertThat(accounts.findAccount(alice)).hasValueSatisfying(a -> assertThat(a.disabled()).isTrue());
        assertThat(accounts.findAccountByUsername("alice")).hasValueSatisfying(a -> assertThat(a.disabled()).isTrue());
        assertThat(accounts.findAccount(bob)).hasValueSatisfying(a -> assertThat(a.disabled()).isFalse());

        assertThat(accounts.setDisabled(alice, false)).isTrue();
        assertThat(accounts.findAccount(alice)).hasValueSatisfying(a -> assertThat(a.disabled()).isFalse());

        assertThat(accounts.setDisabled(new UserId(ids.next()), true)).isFalse();
    }

    // ------------------------------------------------------------------------------------------
    // Invites

    @Test
    public void inviteAllowsItsUsesAndNoMore() {
        accounts.createInvite(new Invite(hash("code-1"), 2, Instant.ofEpochMilli(T0 + 60_000), Instant.ofEpochMilli(T0)));
        Instant now = Instant.ofEpochMilli(T0 + 1_000);

        assertThat(accounts.redeemInvite(hash("code-1"), now)).isTrue();
        assertThat(accounts.redeemInvite(hash("code-1"), now)).isTrue();
        assertThat(accounts.redeemInvite(hash("code-1"), now)).isFalse();
        assertThat(accounts.redeemInvite(hash("unknown"), now)).isFalse();
    }

    @Test
    public void inviteIsRefusedFromItsExpiryOn() {
        accounts.createInvite(new Invite(hash("code-1"), 5, Instant.ofEpochMilli(T0 + 60_000), Instant.ofEpochMilli(T0)));

        assertThat(accounts.redeemInvite(hash("code-1"), Instant.ofEpochMilli(T0 + 60_000))).isFalse();
        assertThat(accounts.redeemInvite(hash("code-1"), Instant.ofEpochMilli(T0 + 59_999))).isTrue();
    }

    @Test
    public void aReturnedInviteUseCanBeTakenAgain() {
        accounts.createInvite(new Invite(hash("code-1"), 1, Instant.ofEpochMilli(T0 + 60_000), Instant.ofEpochMilli(T0)));
        Instant now = Instant.ofEpochMilli(T0 + 1_000);
        assertThat(accounts.redeemInvite(hash("code-1"), now)).isTrue();

        accounts.returnInvite(hash("code-1"));

        assertThat(accounts.redeemInvite(hash("code-1"), now)).isTrue();
        assertThat(accounts.redeemInvite(hash("code-1"), now)).isFalse();
    }

    @Test
    public void concurrentRedemptionsNeverTakeMoreUsesThanTheInviteHas() throws Exception {
        accounts.createInvite(new Invite(hash("code-1"), 3, Instant.ofEpochMilli(T0 + 60_000), Instant.ofEpochMilli(T0)));
        Instant now = Instant.ofEpochMilli(T0 + 1_000);

        List<Boolean> results = concurrently(8, t -> accounts.redeemInvite(hash("code-1"), now));

        assertThat(results).filteredOn(Boolean::booleanValue).hasSize(3);
    }

    @Test
    public void deviceIsFoundByItsTokenHashAndListedOldestFirst() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        // Created out of age order, so the listing has to sort.
        Device laptop = device(alice, "laptop", T0 + 5_000);
        Device phone = device(alice, "phone", T0 + 1_000);
        Device tablet = device(alice, "tablet", T0 + 9_000);
        Device bobsPhone = device(bob, "phone", T0 + 500);
        accounts.createDevice(laptop, hash("laptop"));
        accounts.createDevice(phone, hash("phone"));
        accounts.createDevice(tablet, hash("tablet"));
        accounts.createDevice(bobsPhone, hash("bobs-phone"));

        assertThat(accounts.findDeviceByTokenHash(hash("laptop"))).contains(laptop);
        assertThat(accounts.findDeviceByTokenHash(hash("phone"))).contains(phone);
        assertThat(accounts.findDeviceByTokenHash(hash("bobs-phone"))).contains(bobsPhone);
        assertThat(accounts.findDeviceByTokenHash(hash("unknown"))).isEmpty();

        assertThat(accounts.listDevices(alice)).containsExactly(phone, laptop, tablet);
        assertThat(accounts.listDevices(bob)).containsExactly(bobsPhone);
        assertThat(accounts.listDevices(newUser("carol"))).isEmpty();
    }

    @Test
    public void revokedDeviceIsNoLongerFoundOrListed() {
        UserId alice = newUser("alice");
        Device phone = device(alice, "phone", T0 + 1_000);
        Device laptop = device(alice, "laptop", T0 + 2_000);
        accounts.createDevice(phone, hash("phone"));
        accounts.createDevice(laptop, hash("laptop"));

        assertThat(accounts.revokeDevice(alice, phone.id())).isTrue();

        assertThat(accounts.findDeviceByTokenHash(hash("phone"))).isEmpty();
        assertThat(accounts.listDevices(alice)).containsExactly(laptop);
        assertThat(accounts.findDeviceByTokenHash(hash("laptop"))).contains(laptop);

        assertThat(accounts.revokeDevice(alice, phone.id())).as("revoking twice").isFalse();
        assertThat(accounts.revokeDevice(alice, new DeviceId(ids.next()))).as("unknown device").isFalse();
    }

    @Test
    public void revokingAnotherUsersDeviceDoesNothing() {
        UserId alice = newUser("alice");
        UserId mallory = newUser("mallory");
        Device phone = device(alice, "phone", T0 + 1_000);
        accounts.createDevice(phone, hash("phone"));

        assertThat(accounts.revokeDevice(mallory, phone.id())).isFalse();

        assertThat(accounts.findDeviceByTokenHash(hash("phone"))).contains(phone);
        assertThat(accounts.listDevices(alice)).containsExactly(phone);
    }

    // ------------------------------------------------------------------------------------------
    // Direct conversations

    @Test
    public void openDirectCreatesTheConversationOnce() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId firstId = new ConversationId(ids.next());
        long now = tick();

        Conversation created = conversations.openDirect(firstId, alice, bob, now);

        assertThat(created).isEqualTo(new Conversation(firstId, ConversationKind.DIRECT, null, now, 0, now));
        assertThat(conversations.find(firstId)).contains(created);

        ConversationId otherId = new ConversationId(ids.next());
        Conversation again = conversations.openDirect(otherId, bob, alice, tick());
        assertThat(again.id()).isEqualTo(firstId);
        assertThat(again.kind()).isEqualTo(ConversationKind.DIRECT);
        assertThat(conversations.openDirect(new ConversationId(ids.next()), alice, bob, tick()).id())
                .isEqualTo(firstId);
        assertThat(conversations.find(otherId)).as("the unused id").isEmpty();

        assertThat(conversations.membership(firstId)).contains(
                new Membership(firstId, ConversationKind.DIRECT, Map.of(alice, Role.MEMBER, bob, Role.MEMBER), 0));
        assertThat(conversations.members(firstId)).containsExactlyInAnyOrder(
                new MemberState(alice, Role.MEMBER, 0, 0, 0, 0),
                new MemberState(bob, Role.MEMBER, 0, 0, 0, 0));
        assertThat(conversations.member(firstId, alice)).contains(new MemberState(alice, Role.MEMBER, 0, 0, 0, 0));
    }

    @Test
    public void eachPairHasItsOwnDirectConversation() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");

        ConversationId ab = direct(alice, bob);
        ConversationId ac = direct(alice, carol);
        ConversationId bc = direct(carol, bob);

        assertThat(Set.of(ab, ac, bc)).hasSize(3);
        assertThat(conversations.membership(ac)).hasValueSatisfying(m ->
                assertThat(m.members()).containsExactlyInAnyOrder(alice, carol));
        assertThat(conversations.member(ab, carol)).isEmpty();
        assertThat(conversations.member(bc, alice)).isEmpty();
    }

    @Test
    public void unknownConversationHasNoMembership() {
        ConversationId unknown = new ConversationId(ids.next());

        assertThat(conversations.find(unknown)).isEmpty();
        assertThat(conversations.membership(unknown)).isEmpty();
        assertThat(conversations.members(unknown)).isEmpty();
        assertThat(conversations.member(unknown, newUser("alice"))).isEmpty();
    }

    @Test
    public void concurrentOpenDirectReturnsOneConversation() throws Exception {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");

        List<Conversation> results = concurrently(8, t -> conversations.openDirect(new ConversationId(ids.next()),
                t % 2 == 0 ? alice : bob, t % 2 == 0 ? bob : alice, tick()));

        assertThat(results).extracting(Conversation::id).containsOnly(results.getFirst().id());
        assertThat(conversations.members(results.getFirst().id())).hasSize(2);
    }

    @Test
    public void concurrentOpenDirectOnTwoInstancesReturnsOneConversation() throws Exception {
        Stores second = secondStores();
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");

        List<Conversation> results = concurrently(8, t -> (t % 2 == 0 ? conversations : second.conversationStore())
                .openDirect(new ConversationId(ids.next()), alice, bob, tick()));

        assertThat(results).extracting(Conversation::id).containsOnly(results.getFirst().id());
        assertThat(second.conversationStore().members(results.getFirst().id())).hasSize(2);
    }

    // ------------------------------------------------------------------------------------------
    // Appending text

    @Test
    public void appendAssignsDenseSeqsAndStoresEveryField() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);

        Message m1 = appended(append(AppendRequest.text(c, alice, device(alice), "a-1", "hello", tick()))).message();
        Message m2 = appended(append(AppendRequest.text(c, bob, device(bob), "b-1", "hi alice", tick()))).message();
        long lastAt = tick();
        Message m3 = appended(append(AppendRequest.text(c, alice, null, null, "ünïcødé ✓ 🙂\nline two", lastAt)))
                .message();

        assertThat(List.of(m1.seq(), m2.seq(), m3.seq())).containsExactly(1L, 2L, 3L);
        assertThat(m1).isEqualTo(new Message(c, 1, m1.createdAt(), alice, device(alice), "a-1", MessageKind.TEXT,
                "hello", null, null, null));
        assertThat(m3.senderDeviceId()).isNull();
        assertThat(m3.clientId()).isNull();

        assertThat(messages.range(c, 0, MAX, 100)).containsExactly(m1, m2, m3);
        assertThat(messages.before(c, MAX, MAX, 100)).containsExactly(m1, m2, m3);
        assertThat(conversations.find(c)).hasValueSatisfying(conv -> {
            assertThat(conv.lastSeq()).isEqualTo(3);
            assertThat(conv.lastActivityAt()).isEqualTo(lastAt);
        });
    }

    @Test
    public void lastActivityOnlyMovesForwardWhenAnEntryCarriesAnEarlierTime() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        ConversationId g = group(alice, bob);
        // In a cluster each node stamps entries with its own clock: one may be behind another.
        long later = tick() + 60_000;
        long earlier = later - 30_000;
        appended(append(AppendRequest.text(c, alice, device(alice), "a-1", "from a node ahead", later)));
        Message behind = appended(append(AppendRequest.text(c, bob, device(bob), "b-1", "from one behind", earlier)))
                .message();
        appended(append(AppendRequest.text(g, alice, device(alice), "a-2", "in the group", later)));
        appended(append(AppendRequest.change(g, alice, device(alice), MessageKind.RENAMED,
                new MembershipChange.Rename("renamed behind"), earlier)));

        assertThat(behind.seq()).isEqualTo(2);
        assertThat(behind.createdAt()).isEqualTo(earlier);
        assertThat(conversations.find(c).orElseThrow().lastActivityAt()).isEqualTo(later);
        assertThat(conversations.find(g).orElseThrow().lastActivityAt()).isEqualTo(later);
        assertThat(conversations.find(g).orElseThrow().title()).isEqualTo("renamed behind");
    }

    @Test
    public void seqsAreCountedPerConversation() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        ConversationId ab = direct(alice, bob);
        ConversationId ac = direct(alice, carol);

        assertThat(text(ab, alice, "x").seq()).isEqualTo(1);
        assertThat(text(ac, alice, "x").seq()).isEqualTo(1);
        assertThat(text(ab, bob, "y").seq()).isEqualTo(2);
        assertThat(text(ac, carol, "y").seq()).isEqualTo(2);
        assertThat(text(ac, carol, "z").seq()).isEqualTo(3);

        assertThat(messages.range(ab, 0, MAX, 100)).extracting(Message::body).containsExactly("x", "y");
        assertThat(messages.range(ac, 0, MAX, 100)).extracting(Message::body).containsExactly("x", "y", "z");
    }

    @Test
    public void textAppendCarriesNoMembershipSnapshot() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);

        AppendResult.Appended a = appended(append(AppendRequest.text(c, alice, device(alice), "a-1", "hi", tick())));

        assertThat(a.membership()).as("a text entry does not change membership, so none is read for it").isNull();
        assertThat(a.message().seq()).isEqualTo(1);
    }

    @Test
    public void textAppendAfterAMembershipChangeReturnsTheCurrentMembership() {
        UserId owner = newUser("owner");
        UserId a = newUser("a");
        UserId c = newUser("c");
        ConversationId g = new ConversationId(ids.next());
        await(messages.createGroup(g, owner, device(owner), "T", List.of(a), tick()));

        AppendResult.Appended current = appended(append(AppendRequest.text(g, a, device(a), "a-1", "x", tick(), 1)));
        assertThat(current.membership()).as("the version the sender checked is current").isNull();

        appended(change(g, owner, new MembershipChange.Add(List.of(c), Role.MEMBER, 100)));
        AppendResult.Appended stale = appended(append(AppendRequest.text(g, a, device(a), "a-2", "y", tick(), 1)));

        assertThat(stale.membership()).as("the sender checked version 1; membership changed at seq 3").isNotNull();
        assertThat(stale.membership().version()).isEqualTo(3);
        assertThat(stale.membership().roles()).containsOnlyKeys(owner, a, c);
        assertThat(conversations.membership(g)).contains(stale.membership());
    }

    @Test
    public void commitHooksRunInSeqOrderBeforeTheFuturesComplete() throws Exception {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        List<Long> hooked = java.util.Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Boolean>> sawOwnHook = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            CompletableFuture<AppendResult> f = messages.append(
                    AppendRequest.text(c, i % 2 == 0 ? alice : bob, null, "h" + i, "m" + i, tick()),
                    r -> hooked.add(((AppendResult.Appended) r).message().seq()));
            sawOwnHook.add(f.thenApply(r -> hooked.contains(((AppendResult.Appended) r).message().seq())));
        }
        for (CompletableFuture<Boolean> f : sawOwnHook) {
            assertThat(f.get(30, java.util.concurrent.TimeUnit.SECONDS)).as("the hook ran before the future completed")
                    .isTrue();
        }
        assertThat(hooked).as("hooks ran once per append, in seq order").hasSize(200).isSorted()
                .doesNotHaveDuplicates();
    }

    @Test
    public void retryWithTheSameClientIdReturnsTheOriginal() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        Message first = appended(append(AppendRequest.text(c, alice, device(alice), "c-1", "hello", tick()))).message();
        text(c, bob, "in between");

        AppendResult retry = append(AppendRequest.text(c, alice, device(alice), "c-1", "hello", tick()));

        assertThat(retry).isEqualTo(new AppendResult.Duplicate(first));
        assertThat(messages.range(c, 0, MAX, 100)).extracting(Message::seq).containsExactly(1L, 2L);
        assertThat(conversations.find(c)).hasValueSatisfying(conv -> assertThat(conv.lastSeq()).isEqualTo(2));
        assertThat(text(c, alice, "next").seq()).as("no seq was used up by the retry").isEqualTo(3);
    }

    @Test
    public void sameClientIdWithAnotherBodyConflicts() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        Message first = appended(append(AppendRequest.text(c, alice, device(alice), "c-1", "hello", tick()))).message();

        AppendResult clash = append(AppendRequest.text(c, alice, device(alice), "c-1", "something else", tick()));

        assertThat(clash).isEqualTo(new AppendResult.ClientIdConflict(first));
        assertThat(messages.range(c, 0, MAX, 100)).containsExactly(first);
        assertThat(conversations.find(c)).hasValueSatisfying(conv -> assertThat(conv.lastSeq()).isEqualTo(1));
    }

    @Test
    public void clientIdsBelongToTheirSender() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        Message fromAlice = appended(append(AppendRequest.text(c, alice, device(alice), "c-1", "hello", tick())))
                .message();

        Message fromBob = appended(append(AppendRequest.text(c, bob, device(bob), "c-1", "hello", tick()))).message();

        assertThat(fromBob.seq()).isEqualTo(2);
        assertThat(fromBob.senderId()).isEqualTo(bob);
        assertThat(messages.range(c, 0, MAX, 100)).containsExactly(fromAlice, fromBob);
        assertThat(append(AppendRequest.text(c, bob, device(bob), "c-1", "hello", tick())))
                .isEqualTo(new AppendResult.Duplicate(fromBob));
    }

    @Test
    public void clientIdsArePerConversation() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        ConversationId ab = direct(alice, bob);
        ConversationId ac = direct(alice, carol);
        appended(append(AppendRequest.text(ab, alice, device(alice), "c-1", "hello", tick())));

        AppendResult other = append(AppendRequest.text(ac, alice, device(alice), "c-1", "hello", tick()));

        assertThat(appended(other).message().seq()).isEqualTo(1);
        assertThat(appended(other).message().conversationId()).isEqualTo(ac);
    }

    @Test
    public void nonMemberCannotAppend() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId eve = newUser("eve");
        ConversationId c = direct(alice, bob);
        text(c, alice, "hi");

        assertThat(append(AppendRequest.text(c, eve, device(eve), "e-1", "let me in", tick())))
                .isInstanceOf(AppendResult.NotMember.class);
        assertThat(append(AppendRequest.text(c, eve, device(eve), null, "let me in", tick())))
                .isInstanceOf(AppendResult.NotMember.class);

        assertThat(messages.range(c, 0, MAX, 100)).extracting(Message::senderId).containsExactly(alice);
        assertThat(conversations.find(c)).hasValueSatisfying(conv -> assertThat(conv.lastSeq()).isEqualTo(1));
    }

    @Test
    public void appendToUnknownConversationIsNotMember() {
        UserId alice = newUser("alice");
        ConversationId unknown = new ConversationId(ids.next());

        assertThat(append(AppendRequest.text(unknown, alice, device(alice), "a-1", "hello?", tick())))
                .isInstanceOf(AppendResult.NotMember.class);

        assertThat(conversations.find(unknown)).isEmpty();
        assertThat(messages.range(unknown, 0, MAX, 100)).isEmpty();
    }

    // ------------------------------------------------------------------------------------------
    // Concurrency

    @Test
    public void concurrentAppendsGetDenseUniqueSeqs() throws Exception {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        int threads = 8;
        int perThread = 200;

        List<List<CompletableFuture<AppendResult>>> submitted = concurrently(threads, t -> {
            List<CompletableFuture<AppendResult>> mine = new ArrayList<>(perThread);
            UserId sender = t % 2 == 0 ? alice : bob;
            for (int i = 0; i < perThread; i++) {
                mine.add(messages.append(AppendRequest.text(c, sender, device(sender), "t" + t + "-" + i,
                        "message " + i + " of thread " + t, tick())));
            }
            return mine;
        });

        assertDenseAndStored(c, submitted, threads * perThread, List.of(messages));
    }

    @Test
    public void concurrentAppendsFromTwoInstancesGetDenseUniqueSeqs() throws Exception {
        Stores second = secondStores();
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        int threads = 8;
        int perThread = 100;

        List<List<CompletableFuture<AppendResult>>> submitted = concurrently(threads, t -> {
            MessageStore store = t % 2 == 0 ? messages : second.messageStore();
            UserId sender = t % 4 < 2 ? alice : bob;
            List<CompletableFuture<AppendResult>> mine = new ArrayList<>(perThread);
            for (int i = 0; i < perThread; i++) {
                mine.add(store.append(AppendRequest.text(c, sender, device(sender), "t" + t + "-" + i,
                        "message " + i + " of thread " + t, tick())));
            }
            return mine;
        });

        assertDenseAndStored(c, submitted, threads * perThread, List.of(messages, second.messageStore()));
        assertThat(second.conversationStore().find(c))
                .hasValueSatisfying(conv -> assertThat(conv.lastSeq()).isEqualTo(threads * perThread));
    }

    private void assertDenseAndStored(ConversationId c, List<List<CompletableFuture<AppendResult>>> submitted, int n,
                                      List<MessageStore> readers) {
        List<Message> stored = new ArrayList<>(n);
        for (List<CompletableFuture<AppendResult>> perThread : submitted) {
            for (CompletableFuture<AppendResult> f : perThread) {
                stored.add(appended(await(f)).message());
            }
        }
        Set<Long> seqs = new HashSet<>();
        for (Message m : stored) {
            assertThat(seqs.add(m.seq())).as("seq %d given twice", m.seq()).isTrue();
        }
        assertThat(seqs).hasSize(n).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, n).boxed().toList());

        Map<Long, Message> bySeq = new HashMap<>();
        stored.forEach(m -> bySeq.put(m.seq(), m));
        for (MessageStore reader : readers) {
            List<Message> history = reader.range(c, 0, MAX, n + 10);
            assertThat(history).hasSize(n);
            for (int i = 0; i < n; i++) {
                Message m = history.get(i);
                assertThat(m.seq()).isEqualTo(i + 1L);
                assertThat(m).as("stored entry at seq %d", m.seq()).isEqualTo(bySeq.get(m.seq()));
            }
        }
        assertThat(conversations.find(c)).hasValueSatisfying(conv -> assertThat(conv.lastSeq()).isEqualTo(n));
    }

    // ------------------------------------------------------------------------------------------
    // Paging

    @Test
    public void rangePagesForwardWithinTheBounds() {
        ConversationId c = conversationWithTexts(10);

        assertThat(seqs(messages.range(c, 0, MAX, 3))).containsExactly(1L, 2L, 3L);
        assertThat(seqs(messages.range(c, 3, MAX, 3))).containsExactly(4L, 5L, 6L);
        assertThat(seqs(messages.range(c, 8, MAX, 5))).containsExactly(9L, 10L);
        assertThat(seqs(messages.range(c, 10, MAX, 5))).isEmpty();
        assertThat(seqs(messages.range(c, 0, 5, 100))).as("upTo bound").containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(seqs(messages.range(c, 2, 4, 100))).containsExactly(3L, 4L);
        assertThat(seqs(messages.range(c, 2, 9, 3))).containsExactly(3L, 4L, 5L);
        assertThat(seqs(messages.range(c, 4, 4, 100))).isEmpty();
        assertThat(seqs(messages.range(c, 0, MAX, 1))).containsExactly(1L);
    }

    @Test
    public void beforePagesBackwardWithinTheBoundsInAscendingOrder() {
        ConversationId c = conversationWithTexts(10);

        assertThat(seqs(messages.before(c, MAX, MAX, 3))).containsExactly(8L, 9L, 10L);
        assertThat(seqs(messages.before(c, 8, MAX, 3))).containsExactly(5L, 6L, 7L);
        assertThat(seqs(messages.before(c, 3, MAX, 10))).containsExactly(1L, 2L);
        assertThat(seqs(messages.before(c, 1, MAX, 10))).isEmpty();
        assertThat(seqs(messages.before(c, MAX, 6, 3))).as("upTo bound").containsExactly(4L, 5L, 6L);
        assertThat(seqs(messages.before(c, 5, 6, 10))).containsExactly(1L, 2L, 3L, 4L);
        assertThat(seqs(messages.before(c, 9, 4, 2))).containsExactly(3L, 4L);
        assertThat(seqs(messages.before(c, MAX, MAX, 1))).containsExactly(10L);
        assertThat(seqs(messages.before(c, 11, MAX, 100))).hasSize(10);
    }

    @Test
    public void pagingStaysInsideTheConversation() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        ConversationId ab = direct(alice, bob);
        ConversationId ac = direct(alice, carol);
        for (int i = 0; i < 4; i++) {
            text(ab, alice, "ab " + i);
            text(ac, carol, "ac " + i);
        }

        assertThat(messages.range(ab, 0, MAX, 100)).extracting(Message::body)
                .containsExactly("ab 0", "ab 1", "ab 2", "ab 3");
        assertThat(messages.before(ac, MAX, MAX, 100)).extracting(Message::body)
                .containsExactly("ac 0", "ac 1", "ac 2", "ac 3");
        assertThat(messages.range(new ConversationId(ids.next()), 0, MAX, 100)).isEmpty();
        assertThat(messages.before(new ConversationId(ids.next()), MAX, MAX, 100)).isEmpty();
    }

    // ------------------------------------------------------------------------------------------
    // Receipt positions

    @Test
    public void positionsMoveForwardOnly() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        for (int i = 0; i < 5; i++) {
            text(c, alice, "m" + i);
        }

        assertThat(advance(c, bob, 2, 0)).contains(new Positions(c, bob, 2, 0));
        assertThat(advance(c, bob, 1, 0)).as("backwards").isEmpty();
        assertThat(advance(c, bob, 2, 0)).as("same place").isEmpty();
        assertThat(advance(c, bob, 4, 1)).contains(new Positions(c, bob, 4, 1));
        assertThat(advance(c, bob, 0, 3)).as("read alone").contains(new Positions(c, bob, 4, 3));
        assertThat(advance(c, bob, 3, 2)).as("both backwards").isEmpty();

        assertThat(conversations.member(c, bob)).contains(new MemberState(bob, Role.MEMBER, 0, 0, 4, 3));
        assertThat(conversations.member(c, alice)).contains(new MemberState(alice, Role.MEMBER, 0, 0, 0, 0));
    }

    @Test
    public void readImpliesDelivered() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        for (int i = 0; i < 5; i++) {
            text(c, alice, "m" + i);
        }

        assertThat(advance(c, bob, 0, 3)).contains(new Positions(c, bob, 3, 3));
        assertThat(advance(c, bob, 3, 3)).isEmpty();
        assertThat(conversations.members(c)).contains(new MemberState(bob, Role.MEMBER, 0, 0, 3, 3));
    }

    @Test
    public void positionsStopAtTheLastSeq() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        for (int i = 0; i < 5; i++) {
            text(c, alice, "m" + i);
        }

        assertThat(advance(c, bob, 100, 0)).contains(new Positions(c, bob, 5, 0));
        assertThat(advance(c, bob, 100, 0)).isEmpty();
        assertThat(advance(c, bob, 0, 1_000)).contains(new Positions(c, bob, 5, 5));
        assertThat(advance(c, bob, MAX, MAX)).isEmpty();

        text(c, alice, "m5");
        assertThat(advance(c, bob, MAX, MAX)).contains(new Positions(c, bob, 6, 6));
    }

    @Test
    public void positionsOfNonMembersDoNotMove() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId eve = newUser("eve");
        ConversationId c = direct(alice, bob);
        text(c, alice, "hi");

        assertThat(advance(c, eve, 1, 1)).isEmpty();
        assertThat(advance(new ConversationId(ids.next()), alice, 1, 1)).isEmpty();
        assertThat(conversations.member(c, eve)).isEmpty();
    }

    @Test
    public void emptyConversationHasNoPositionsToMove() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);

        assertThat(advance(c, bob, 5, 5)).isEmpty();
        assertThat(conversations.member(c, bob)).contains(new MemberState(bob, Role.MEMBER, 0, 0, 0, 0));
    }

    // ------------------------------------------------------------------------------------------
    // Groups

    @Test
    public void createGroupStartsWithACreatedEntry() {
        UserId owner = newUser("owner");
        UserId m1 = newUser("m1");
        UserId m2 = newUser("m2");
        ConversationId g = new ConversationId(ids.next());
        long now = tick();

        AppendResult.Appended created = await(messages.createGroup(g, owner, device(owner), "Team", List.of(m1, m2), now));

        Message entry = created.message();
        assertThat(entry.conversationId()).isEqualTo(g);
        assertThat(entry.seq()).isEqualTo(1);
        assertThat(entry.kind()).isEqualTo(MessageKind.CREATED);
        assertThat(entry.senderId()).isEqualTo(owner);
        assertThat(entry.senderDeviceId()).isEqualTo(device(owner));
        assertThat(entry.title()).isEqualTo("Team");
        assertThat(entry.createdAt()).isEqualTo(now);
        assertThat(entry.userIds()).containsExactlyInAnyOrder(owner, m1, m2);
        assertThat(created.membership()).isEqualTo(new Membership(g, ConversationKind.GROUP,
                Map.of(owner, Role.OWNER, m1, Role.MEMBER, m2, Role.MEMBER), 1));
        assertStoreAgrees(created);

        assertThat(conversations.find(g)).contains(new Conversation(g, ConversationKind.GROUP, "Team", now, 1, now));
        assertThat(messages.range(g, 0, MAX, 100)).containsExactly(entry);
        assertThat(conversations.members(g)).containsExactlyInAnyOrder(
                new MemberState(owner, Role.OWNER, 1, 0, 0, 0),
                new MemberState(m1, Role.MEMBER, 1, 0, 0, 0),
                new MemberState(m2, Role.MEMBER, 1, 0, 0, 0));
        assertThat(text(g, m2, "hello team").seq()).isEqualTo(2);
    }

    @Test
    public void ownerAndAdminMayAddMembersButAMemberMayNot() {
        UserId owner = newUser("owner");
        UserId admin = newUser("admin");
        UserId member = newUser("member");
        UserId u1 = newUser("u1");
        UserId u2 = newUser("u2");
        UserId u3 = newUser("u3");
        ConversationId g = group(owner, admin, member);
        promote(g, owner, admin);

        AppendResult.Appended byOwner = appended(change(g, owner, new MembershipChange.Add(List.of(u1), Role.MEMBER, 100)));
        assertThat(byOwner.message().kind()).isEqualTo(MessageKind.MEMBERS_ADDED);
        assertThat(byOwner.message().userIds()).containsExactly(u1);
        assertThat(byOwner.message().senderId()).isEqualTo(owner);
        assertThat(byOwner.membership().roles()).containsEntry(u1, Role.MEMBER).hasSize(4);
        assertStoreAgrees(byOwner);
        assertThat(conversations.member(g, u1)).contains(new MemberState(u1, Role.MEMBER, byOwner.message().seq(), 0, 0, 0));

        AppendResult.Appended byAdmin = appended(change(g, admin, new MembershipChange.Add(List.of(u2), Role.MEMBER, 100)));
        assertThat(byAdmin.message().seq()).isEqualTo(byOwner.message().seq() + 1);
        assertThat(byAdmin.message().userIds()).containsExactly(u2);
        assertThat(byAdmin.membership().roles()).isEqualTo(Map.of(owner, Role.OWNER, admin, Role.ADMIN,
                member, Role.MEMBER, u1, Role.MEMBER, u2, Role.MEMBER));
        assertStoreAgrees(byAdmin);

        long lastSeq = lastSeq(g);
        assertRefused(change(g, member, new MembershipChange.Add(List.of(u3), Role.MEMBER, 100)), Refusal.FORBIDDEN);
        assertThat(lastSeq(g)).isEqualTo(lastSeq);
        assertThat(conversations.member(g, u3)).isEmpty();
        assertThat(conversations.membership(g)).hasValueSatisfying(m -> {
            assertThat(m.isMember(u3)).isFalse();
            assertThat(m.version()).isEqualTo(byAdmin.message().seq());
        });
    }

    @Test
    public void addingSeveralMembersRecordsThemInOneEntry() {
        UserId owner = newUser("owner");
        UserId u1 = newUser("u1");
        UserId u2 = newUser("u2");
        ConversationId g = group(owner);

        AppendResult.Appended added = appended(change(g, owner, new MembershipChange.Add(List.of(u1, u2), Role.MEMBER, 10)));

        assertThat(added.message().seq()).isEqualTo(2);
        assertThat(added.message().userIds()).containsExactlyInAnyOrder(u1, u2);
        assertThat(added.message().role()).isEqualTo(Role.MEMBER);
        assertThat(messages.range(g, 1, 2, 10)).containsExactly(added.message());
        assertStoreAgrees(added);
    }

    @Test
    public void addBeyondTheMaximumSizeIsRefused() {
        UserId owner = newUser("owner");
        UserId m1 = newUser("m1");
        UserId u1 = newUser("u1");
        UserId u2 = newUser("u2");
        ConversationId g = group(owner, m1);

        assertRefused(change(g, owner, new MembershipChange.Add(List.of(u1, u2), Role.MEMBER, 3)), Refusal.GROUP_FULL);
        assertThat(lastSeq(g)).isEqualTo(1);
        assertThat(conversations.membership(g)).hasValueSatisfying(m -> assertThat(m.size()).isEqualTo(2));

        AppendResult.Appended upToTheLimit = appended(change(g, owner, new MembershipChange.Add(List.of(u1), Role.MEMBER, 3)));
        assertThat(upToTheLimit.membership().size()).isEqualTo(3);
        assertStoreAgrees(upToTheLimit);

        assertRefused(change(g, owner, new MembershipChange.Add(List.of(u2), Role.MEMBER, 3)), Refusal.GROUP_FULL);
        assertThat(conversations.member(g, u2)).isEmpty();
    }

    @Test
    public void addingOnlyExistingMembersConflicts() {
        UserId owner = newUser("owner");
        UserId m1 = newUser("m1");
        UserId u1 = newUser("u1");
        ConversationId g = group(owner, m1);

        assertRefused(change(g, owner, new MembershipChange.Add(List.of(m1), Role.MEMBER, 100)), Refusal.CONFLICT);
        assertRefused(change(g, owner, new MembershipChange.Add(List.of(m1, owner), Role.MEMBER, 100)), Refusal.CONFLICT);
        assertThat(lastSeq(g)).isEqualTo(1);

        AppendResult.Appended mixed = appended(change(g, owner, new MembershipChange.Add(List.of(m1, u1), Role.MEMBER, 100)));
        assertThat(mixed.message().userIds()).as("only the users actually added").containsExactly(u1);
        assertThat(conversations.member(g, m1)).hasValueSatisfying(s -> assertThat(s.joinedSeq()).isEqualTo(1));
        assertStoreAgrees(mixed);
    }

    @Test
    public void removeFollowsTheRoles() {
        UserId owner = newUser("owner");
        UserId admin = newUser("admin");
        UserId admin2 = newUser("admin2");
        UserId member = newUser("member");
        UserId member2 = newUser("member2");
        ConversationId g = group(owner, admin, admin2, member, member2);
        promote(g, owner, admin);
        promote(g, owner, admin2);
        long before = lastSeq(g);

        assertRefused(change(g, member, new MembershipChange.Remove(admin)), Refusal.FORBIDDEN);
        assertRefused(change(g, member, new MembershipChange.Remove(member2)), Refusal.FORBIDDEN);
        assertRefused(change(g, admin, new MembershipChange.Remove(admin2)), Refusal.FORBIDDEN);
        assertRefused(change(g, admin, new MembershipChange.Remove(owner)), Refusal.FORBIDDEN);
        assertThat(lastSeq(g)).isEqualTo(before);
        assertThat(conversations.membership(g)).hasValueSatisfying(m -> assertThat(m.size()).isEqualTo(5));

        AppendResult.Appended byAdmin = appended(change(g, admin, new MembershipChange.Remove(member)));
        assertThat(byAdmin.message().kind()).isEqualTo(MessageKind.MEMBER_REMOVED);
        assertThat(byAdmin.message().userIds()).containsExactly(member);
        assertThat(byAdmin.membership().isMember(member)).isFalse();
        assertStoreAgrees(byAdmin);

        AppendResult.Appended byOwner = appended(change(g, owner, new MembershipChange.Remove(admin2)));
        assertThat(byOwner.message().userIds()).containsExactly(admin2);
        assertThat(byOwner.membership().roles()).isEqualTo(Map.of(owner, Role.OWNER, admin, Role.ADMIN,
                member2, Role.MEMBER));
        assertStoreAgrees(byOwner);
    }

    @Test
    public void removedMemberKeepsTheirPastAndLosesTheFuture() {
        UserId owner = newUser("owner");
        UserId member = newUser("member");
        UserId other = newUser("other");
        ConversationId g = group(owner, member, other);
        text(g, member, "before");

        AppendResult.Appended removal = appended(change(g, owner, new MembershipChange.Remove(member)));
        long removedAt = removal.message().seq();

        assertThat(conversations.member(g, member)).hasValueSatisfying(s -> {
            assertThat(s.leftSeq()).isEqualTo(removedAt);
            assertThat(s.joinedSeq()).isEqualTo(1);
            assertThat(s.current()).isFalse();
        });
        assertThat(conversations.members(g)).extracting(MemberState::userId).containsExactlyInAnyOrder(owner, other);
        assertThat(conversations.membership(g)).hasValueSatisfying(m -> assertThat(m.isMember(member)).isFalse());

        assertThat(append(AppendRequest.text(g, member, device(member), "m-2", "after", tick())))
                .isInstanceOf(AppendResult.NotMember.class);
        assertThat(change(g, member, new MembershipChange.Leave())).isInstanceOf(AppendResult.NotMember.class);
        assertThat(advance(g, member, removedAt, removedAt)).isEmpty();
        assertThat(lastSeq(g)).isEqualTo(removedAt);
        assertRefused(change(g, owner, new MembershipChange.Remove(member)), Refusal.NOT_FOUND);
    }

    @Test
    public void memberLeavingIsRecordedAlone() {
        UserId owner = newUser("owner");
        UserId member = newUser("member");
        UserId other = newUser("other");
        ConversationId g = group(owner, member, other);

        AppendResult.Appended left = appended(change(g, member, new MembershipChange.Leave()));

        assertThat(left.message().kind()).isEqualTo(MessageKind.MEMBER_LEFT);
        assertThat(left.message().senderId()).isEqualTo(member);
        assertThat(left.message().userIds()).containsExactly(member);
        assertThat(left.membership().roles()).isEqualTo(Map.of(owner, Role.OWNER, other, Role.MEMBER));
        assertStoreAgrees(left);
        assertThat(conversations.member(g, member))
                .hasValueSatisfying(s -> assertThat(s.leftSeq()).isEqualTo(left.message().seq()));
    }

    @Test
    public void leavingOwnerHandsOverToTheLongestStandingAdmin() {
        UserId owner = newUser("owner");
        UserId member = newUser("member");
        UserId early = newUser("early");
        UserId late = newUser("late");
        ConversationId g = group(owner, member);
        appended(change(g, owner, new MembershipChange.Add(List.of(early), Role.MEMBER, 100)));
        appended(change(g, owner, new MembershipChange.Add(List.of(late), Role.MEMBER, 100)));
        // Appointed in the opposite order to their joining: standing counts from joining.
        promote(g, owner, late);
        promote(g, owner, early);

        AppendResult.Appended left = appended(change(g, owner, new MembershipChange.Leave()));

        assertThat(left.message().kind()).isEqualTo(MessageKind.MEMBER_LEFT);
        assertThat(left.message().userIds()).containsExactly(owner, early);
        assertThat(left.membership().roles()).isEqualTo(Map.of(early, Role.OWNER, late, Role.ADMIN,
                member, Role.MEMBER));
        assertStoreAgrees(left);
        assertThat(conversations.member(g, early)).hasValueSatisfying(s -> assertThat(s.role()).isEqualTo(Role.OWNER));
        assertThat(conversations.member(g, owner))
                .hasValueSatisfying(s -> assertThat(s.leftSeq()).isEqualTo(left.message().seq()));

        assertThat(appended(change(g, early, new MembershipChange.Remove(late))).membership().roles())
                .as("the new owner holds the owner's rights").doesNotContainKey(late);
    }

    @Test
    public void leavingOwnerWithoutAdminsHandsOverToTheLongestStandingMember() {
        UserId owner = newUser("owner");
        UserId first = newUser("first");
        UserId second = newUser("second");
        UserId third = newUser("third");
        ConversationId g = group(owner, first);
        appended(change(g, owner, new MembershipChange.Add(List.of(second), Role.MEMBER, 100)));
        appended(change(g, owner, new MembershipChange.Add(List.of(third), Role.MEMBER, 100)));

        AppendResult.Appended left = appended(change(g, owner, new MembershipChange.Leave()));

        assertThat(left.message().userIds()).containsExactly(owner, first);
        assertThat(left.membership().roles()).isEqualTo(Map.of(first, Role.OWNER, second, Role.MEMBER,
                third, Role.MEMBER));
        assertStoreAgrees(left);
    }

    @Test
    public void lastOwnerLeavingAloneEmptiesTheGroup() {
        UserId owner = newUser("owner");
        ConversationId g = group(owner);

        AppendResult.Appended left = appended(change(g, owner, new MembershipChange.Leave()));

        assertThat(left.message().userIds()).containsExactly(owner);
        assertThat(left.membership().roles()).isEmpty();
        assertStoreAgrees(left);
        assertThat(conversations.members(g)).isEmpty();
    }

    @Test
    public void renameChangesTheTitle() {
        UserId owner = newUser("owner");
        UserId admin = newUser("admin");
        UserId member = newUser("member");
        ConversationId g = group(owner, admin, member);
        promote(g, owner, admin);
        Map<UserId, Role> roles = Map.of(owner, Role.OWNER, admin, Role.ADMIN, member, Role.MEMBER);

        AppendResult.Appended renamed = appended(change(g, admin, new MembershipChange.Rename("New name")));

        assertThat(renamed.message().kind()).isEqualTo(MessageKind.RENAMED);
        assertThat(renamed.message().title()).isEqualTo("New name");
        assertThat(renamed.message().senderId()).isEqualTo(admin);
        assertThat(renamed.membership().roles()).isEqualTo(roles);
        assertThat(renamed.membership().version()).isEqualTo(renamed.message().seq());
        assertThat(conversations.find(g)).hasValueSatisfying(conv -> {
            assertThat(conv.title()).isEqualTo("New name");
            assertThat(conv.lastSeq()).isEqualTo(renamed.message().seq());
        });
        assertThat(messages.range(g, renamed.message().seq() - 1, MAX, 10)).containsExactly(renamed.message());
        assertThat(conversations.membership(g)).hasValueSatisfying(m -> assertThat(m.roles()).isEqualTo(roles));

        assertRefused(change(g, member, new MembershipChange.Rename("Hijacked")), Refusal.FORBIDDEN);
        assertThat(conversations.find(g)).hasValueSatisfying(conv -> assertThat(conv.title()).isEqualTo("New name"));
    }

    @Test
    public void onlyTheOwnerMaySetRoles() {
        UserId owner = newUser("owner");
        UserId admin = newUser("admin");
        UserId member = newUser("member");
        ConversationId g = group(owner, admin, member);

        AppendResult.Appended promoted = appended(change(g, owner, new MembershipChange.SetRole(admin, Role.ADMIN)));

        assertThat(promoted.message().kind()).isEqualTo(MessageKind.ROLE_CHANGED);
        assertThat(promoted.message().userIds()).containsExactly(admin);
        assertThat(promoted.message().role()).isEqualTo(Role.ADMIN);
        assertThat(promoted.membership().roles()).containsEntry(admin, Role.ADMIN);
        assertThat(promoted.membership().version()).isEqualTo(promoted.message().seq());
        assertThat(conversations.member(g, admin)).hasValueSatisfying(s -> assertThat(s.role()).isEqualTo(Role.ADMIN));
        assertThat(conversations.membership(g)).hasValueSatisfying(m ->
                assertThat(m.roles()).isEqualTo(promoted.membership().roles()));
        long seq = lastSeq(g);

        assertRefused(change(g, admin, new MembershipChange.SetRole(member, Role.ADMIN)), Refusal.FORBIDDEN);
        assertRefused(change(g, member, new MembershipChange.SetRole(member, Role.ADMIN)), Refusal.FORBIDDEN);
        assertRefused(change(g, owner, new MembershipChange.SetRole(member, Role.OWNER)), Refusal.FORBIDDEN);
        assertThat(lastSeq(g)).isEqualTo(seq);
        assertThat(conversations.member(g, member)).hasValueSatisfying(s -> assertThat(s.role()).isEqualTo(Role.MEMBER));

        AppendResult.Appended demoted = appended(change(g, owner, new MembershipChange.SetRole(admin, Role.MEMBER)));
        assertThat(demoted.membership().roles()).containsEntry(admin, Role.MEMBER);
        assertThat(conversations.member(g, admin)).hasValueSatisfying(s -> assertThat(s.role()).isEqualTo(Role.MEMBER));
    }

    @Test
    public void membershipFromTheStoreMatchesEveryAppendedChange() {
        UserId owner = newUser("owner");
        UserId a = newUser("a");
        UserId b = newUser("b");
        UserId c = newUser("c");
        ConversationId g = new ConversationId(ids.next());
        List<AppendResult.Appended> steps = new ArrayList<>();

        steps.add(await(messages.createGroup(g, owner, device(owner), "T", List.of(a, b), tick())));
        assertStoreAgrees(steps.getLast());
        for (MembershipChange step : List.of(
                new MembershipChange.SetRole(a, Role.ADMIN),
                new MembershipChange.Add(List.of(c), Role.MEMBER, 100),
                new MembershipChange.Rename("T2"),
                new MembershipChange.Remove(b),
                new MembershipChange.SetRole(c, Role.ADMIN),
                new MembershipChange.Leave())) {
            AppendResult.Appended appended = appended(change(g, owner, step));
            assertThat(appended.membership().version()).as("version after %s", step).isEqualTo(appended.message().seq());
            assertThat(conversations.membership(g)).as("store's membership after %s", step)
                    .contains(appended.membership());
            steps.add(appended);
        }
        assertThat(steps).extracting(s -> s.message().seq()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    }

    @Test
    public void groupChangesOnADirectConversationAreInvalid() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        ConversationId c = direct(alice, bob);
        text(c, alice, "hi");

        assertRefused(change(c, alice, new MembershipChange.Add(List.of(carol), Role.MEMBER, 100)), Refusal.INVALID);
        assertRefused(change(c, alice, new MembershipChange.Remove(bob)), Refusal.INVALID);
        assertRefused(change(c, alice, new MembershipChange.Leave()), Refusal.INVALID);
        assertRefused(change(c, bob, new MembershipChange.Rename("ours")), Refusal.INVALID);
        assertRefused(change(c, bob, new MembershipChange.SetRole(alice, Role.ADMIN)), Refusal.INVALID);

        assertThat(lastSeq(c)).isEqualTo(1);
        assertThat(conversations.find(c)).hasValueSatisfying(conv -> assertThat(conv.title()).isNull());
        assertThat(conversations.membership(c)).contains(
                new Membership(c, ConversationKind.DIRECT, Map.of(alice, Role.MEMBER, bob, Role.MEMBER), 0));
    }

    @Test
    public void groupChangesByOutsidersAreNotMember() {
        UserId owner = newUser("owner");
        UserId eve = newUser("eve");
        ConversationId g = group(owner);

        assertThat(change(g, eve, new MembershipChange.Add(List.of(eve), Role.MEMBER, 100)))
                .isInstanceOf(AppendResult.NotMember.class);
        assertThat(change(g, eve, new MembershipChange.Rename("mine"))).isInstanceOf(AppendResult.NotMember.class);
        assertThat(change(new ConversationId(ids.next()), owner, new MembershipChange.Rename("x")))
                .isInstanceOf(AppendResult.NotMember.class);
        assertThat(lastSeq(g)).isEqualTo(1);
    }

    @Test
    public void concurrentAddsNeverExceedTheMaximumSize() throws Exception {
        UserId owner = newUser("owner");
        ConversationId g = group(owner);
        List<UserId> candidates = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            candidates.add(newUser("u" + i));
        }
        int maxSize = 6;

        List<AppendResult> results = concurrently(16, t -> await(messages.append(changeRequest(g, owner,
                new MembershipChange.Add(List.of(candidates.get(t)), Role.MEMBER, maxSize)))));

        assertThat(results).filteredOn(r -> r instanceof AppendResult.Appended).hasSize(maxSize - 1);
        assertThat(results).filteredOn(r -> !(r instanceof AppendResult.Appended))
                .hasSize(16 - (maxSize - 1))
                .allSatisfy(r -> assertRefused(r, Refusal.GROUP_FULL));
        assertThat(conversations.membership(g)).hasValueSatisfying(m -> assertThat(m.size()).isEqualTo(maxSize));
        assertThat(seqs(messages.range(g, 0, MAX, 100))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }

    // ------------------------------------------------------------------------------------------
    // A user's conversations, contacts and unread counts

    @Test
    public void conversationsOfListsCurrentAndFormerConversations() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        UserId dave = newUser("dave");
        ConversationId ab = direct(alice, bob);
        text(ab, alice, "1");
        text(ab, bob, "2");
        ConversationId g = group(carol, alice, bob);
        text(g, carol, "2");
        long removedAt = appended(change(g, carol, new MembershipChange.Remove(alice))).message().seq();
        text(g, bob, "4");

        assertThat(conversations.conversationsOf(alice)).containsExactlyInAnyOrder(
                new UserConversation(ab, 2, 0),
                new UserConversation(g, 4, removedAt));
        assertThat(conversations.conversationsOf(bob)).containsExactlyInAnyOrder(
                new UserConversation(ab, 2, 0),
                new UserConversation(g, 4, 0));
        assertThat(conversations.conversationsOf(dave)).isEmpty();
    }

    @Test
    public void listForUserOrdersByLastActivityNewestFirst() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        UserId dave = newUser("dave");
        ConversationId withBob = direct(alice, bob);
        ConversationId withCarol = direct(alice, carol);
        ConversationId daves = group(dave, alice);
        ConversationId left = group(dave, alice, bob);
        text(withCarol, carol, "oldest");
        text(daves, dave, "older");
        text(withBob, bob, "newer");
        text(withCarol, alice, "newest");
        appended(change(left, alice, new MembershipChange.Leave()));

        List<ConversationEntry> all = conversations.listForUser(alice, null, 10);

        assertThat(all).extracting(e -> e.conversation().id()).containsExactly(withCarol, withBob, daves);
        assertThat(all).extracting(ConversationEntry::conversation)
                .containsExactly(conversations.find(withCarol).orElseThrow(), conversations.find(withBob).orElseThrow(),
                        conversations.find(daves).orElseThrow());
        assertThat(all).extracting(ConversationEntry::self).containsExactly(
                conversations.member(withCarol, alice).orElseThrow(),
                conversations.member(withBob, alice).orElseThrow(),
                conversations.member(daves, alice).orElseThrow());
        assertThat(all.get(2).self().role()).isEqualTo(Role.MEMBER);

        List<ConversationEntry> first = conversations.listForUser(alice, null, 2);
        assertThat(first).extracting(e -> e.conversation().id()).containsExactly(withCarol, withBob);
        List<ConversationEntry> second = conversations.listForUser(alice, cursorAfter(first.getLast()), 2);
        assertThat(second).extracting(e -> e.conversation().id()).containsExactly(daves);
        assertThat(conversations.listForUser(alice, cursorAfter(second.getLast()), 2)).isEmpty();
        assertThat(conversations.listForUser(newUser("erin"), null, 10)).isEmpty();
    }

    @Test
    public void listForUserBreaksTiesByIdDescending() {
        UserId alice = newUser("alice");
        List<ConversationId> sameMoment = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sameMoment.add(conversations.openDirect(new ConversationId(ids.next()), alice, newUser("peer" + i), T0 - 1)
                    .id());
        }
        List<ConversationId> expected = sameMoment.stream()
                .sorted((x, y) -> Long.compare(y.value(), x.value())).toList();

        assertThat(conversations.listForUser(alice, null, 10)).extracting(e -> e.conversation().id())
                .containsExactlyElementsOf(expected);
        List<ConversationEntry> page = conversations.listForUser(alice, null, 1);
        List<ConversationId> paged = new ArrayList<>();
        while (!page.isEmpty()) {
            assertThat(page).hasSize(1);
            paged.add(page.getFirst().conversation().id());
            page = conversations.listForUser(alice, cursorAfter(page.getFirst()), 1);
        }
        assertThat(paged).containsExactlyElementsOf(expected);
    }

    @Test
    public void contactsAmongKeepsThoseSharingACurrentConversation() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        UserId dave = newUser("dave");
        UserId erin = newUser("erin");
        UserId ghost = new UserId(ids.next());
        direct(alice, bob);
        ConversationId g = group(alice, carol, dave);
        appended(change(g, alice, new MembershipChange.Remove(dave)));

        assertThat(conversations.contactsAmong(alice, List.of(bob, carol, dave, erin, alice, ghost)))
                .containsExactlyInAnyOrder(bob, carol);
        assertThat(conversations.contactsAmong(bob, List.of(alice, carol))).containsExactly(alice);
        assertThat(conversations.contactsAmong(dave, List.of(alice, carol))).as("a former member").isEmpty();
        assertThat(conversations.contactsAmong(erin, List.of(alice, bob))).isEmpty();
        assertThat(conversations.contactsAmong(alice, List.of())).isEmpty();
    }

    @Test
    public void countUnreadCountsOtherMembersTextsInTheRange() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        ConversationId g = group(alice, bob, carol);
        assertThat(text(g, bob, "2").seq()).isEqualTo(2);
        text(g, alice, "3");
        text(g, carol, "4");
        appended(change(g, alice, new MembershipChange.Rename("5")));
        text(g, bob, "6");
        assertThat(text(g, bob, "7").seq()).isEqualTo(7);

        assertThat(messages.countUnread(g, alice, 0, MAX, 100)).as("texts by others only").isEqualTo(4);
        assertThat(messages.countUnread(g, alice, 4, MAX, 100)).isEqualTo(2);
        assertThat(messages.countUnread(g, alice, 0, 4, 100)).isEqualTo(2);
        assertThat(messages.countUnread(g, alice, 0, MAX, 3)).as("capped").isEqualTo(3);
        assertThat(messages.countUnread(g, bob, 0, MAX, 100)).isEqualTo(2);
        assertThat(messages.countUnread(g, bob, 7, MAX, 100)).isZero();
        assertThat(messages.countUnread(new ConversationId(ids.next()), alice, 0, MAX, 100)).isZero();
    }

    // ------------------------------------------------------------------------------------------
    // Deleting accounts, and usernames under concurrency

    @Test
    public void deletedAccountFreesItsUsernameAndKeepsItsId() {
        UserId alice = newUser("alice");
        accounts.createDevice(device(alice, "phone", T0 + 1), hash("phone"));

        assertThat(accounts.deleteAccount(alice)).isTrue();

        assertThat(accounts.findAccountByUsername("alice")).isEmpty();
        assertThat(accounts.findAccount(alice)).hasValueSatisfying(a -> {
            assertThat(a.disabled()).isTrue();
            assertThat(a.username()).isNotEqualTo("alice");
        });
        assertThat(accounts.findDeviceByTokenHash(hash("phone"))).isEmpty();
        assertThat(accounts.listDevices(alice)).isEmpty();
        assertThat(accounts.deleteAccount(alice)).as("deleting twice").isFalse();
        assertThat(accounts.deleteAccount(new UserId(ids.next()))).as("unknown user").isFalse();

        Account again = account("alice");
        assertThat(accounts.createAccount(again)).as("the name is free again").contains(again);
        assertThat(accounts.findAccountByUsername("alice")).contains(again);
    }

    @Test
    public void concurrentRegistrationsOfOneUsernameKeepOne() throws Exception {
        List<Account> candidates = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            candidates.add(account("alice"));
        }

        List<Optional<Account>> results = concurrently(8, t -> accounts.createAccount(candidates.get(t)));

        assertOneRegistrationWon(candidates, results);
    }

    @Test
    public void concurrentRegistrationsOfOneUsernameOnTwoInstancesKeepOne() throws Exception {
        Stores second = secondStores();
        List<Account> candidates = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            candidates.add(account("alice"));
        }

        List<Optional<Account>> results = concurrently(8, t ->
                (t % 2 == 0 ? accounts : second.accountStore()).createAccount(candidates.get(t)));

        assertOneRegistrationWon(candidates, results);
        assertThat(second.accountStore().findAccountByUsername("alice")).isEqualTo(results.stream()
                .flatMap(Optional::stream).findFirst());
    }

    private void assertOneRegistrationWon(List<Account> candidates, List<Optional<Account>> results) {
        List<Account> winners = results.stream().flatMap(Optional::stream).toList();
        assertThat(winners).hasSize(1);
        assertThat(accounts.findAccountByUsername("alice")).contains(winners.getFirst());
        assertThat(accounts.findAccounts(candidates.stream().map(Account::id).toList()))
                .as("the losers left no account behind").containsExactly(winners.getFirst());
    }

    // ------------------------------------------------------------------------------------------
    // Several instances appending to many conversations

    /**
     * Both instances append to the same conversations at once, each going through them in its own
     * order (one ascending, one descending), without waiting, so their writers batch appends to
     * several conversations together and lock them in opposite orders.
     */
    @Test
    public void concurrentAppendsToManyConversationsFromTwoInstancesStayDense() throws Exception {
        Stores second = secondStores();
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        List<ConversationId> targets = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            targets.add(group(alice, bob, carol));
            targets.add(direct(newUser("peer" + i), i % 2 == 0 ? alice : bob));
        }
        List<UserId> senders = new ArrayList<>();
        for (ConversationId c : targets) {
            senders.add(conversations.membership(c).orElseThrow().members().iterator().next());
        }
        int rounds = 25;

        List<List<CompletableFuture<AppendResult>>> submitted = concurrently(4, t -> {
            MessageStore store = t % 2 == 0 ? messages : second.messageStore();
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                order.add(i);
            }
            if (t % 2 == 1) {
                Collections.reverse(order);
            }
            List<CompletableFuture<AppendResult>> mine = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                for (int i : order) {
                    UserId sender = senders.get(i);
                    mine.add(store.append(AppendRequest.text(targets.get(i), sender, device(sender),
                            "t" + t + "-" + round + "-" + i, "round " + round, tick())));
                }
            }
            return mine;
        });

        Map<ConversationId, Set<Long>> seqs = new HashMap<>();
        for (List<CompletableFuture<AppendResult>> perThread : submitted) {
            for (CompletableFuture<AppendResult> f : perThread) {
                Message m = appended(await(f)).message();
                assertThat(seqs.computeIfAbsent(m.conversationId(), k -> new HashSet<>()).add(m.seq()))
                        .as("seq %d of %s given twice", m.seq(), m.conversationId()).isTrue();
            }
        }
        for (ConversationId c : targets) {
            long first = conversations.find(c).orElseThrow().kind() == ConversationKind.GROUP ? 2 : 1;
            long last = first + 4L * rounds - 1;
            assertThat(seqs.get(c)).as("seqs of %s", c)
                    .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(first, last).boxed().toList());
            assertThat(lastSeq(c)).isEqualTo(last);
            assertThat(seqs(second.messageStore().range(c, 0, MAX, 1_000)))
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
        }
    }

    /**
     * A member appends through the second instance while the first removes them. Whatever the
     * interleaving, every append the store accepted from them is ordered before their removal,
     * and every later one is refused: a removal is never overtaken by an append that checked the
     * membership before it.
     */
    @Test
    public void appendsRacingTheSendersRemovalOnAnotherInstanceNeverFollowIt() throws Exception {
        Stores second = secondStores();
        UserId owner = newUser("owner");
        int groups = 4;
        List<ConversationId> gs = new ArrayList<>();
        List<UserId> leaving = new ArrayList<>();
        for (int i = 0; i < groups; i++) {
            UserId member = newUser("member" + i);
            leaving.add(member);
            gs.add(group(owner, member));
        }
        int perThread = 60;

        List<List<CompletableFuture<AppendResult>>> submitted = concurrently(2 * groups, t -> {
            ConversationId g = gs.get(t / 2);
            UserId member = leaving.get(t / 2);
            if (t % 2 == 0) {
                return List.of(messages.append(changeRequest(g, owner, new MembershipChange.Remove(member))));
            }
            List<CompletableFuture<AppendResult>> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                mine.add(second.messageStore().append(AppendRequest.text(g, member, device(member), "m-" + i,
                        "message " + i, tick())));
            }
            return mine;
        });

        for (int i = 0; i < groups; i++) {
            ConversationId g = gs.get(i);
            long removedAt = appended(await(submitted.get(2 * i).getFirst())).message().seq();
            int accepted = 0;
            for (CompletableFuture<AppendResult> f : submitted.get(2 * i + 1)) {
                AppendResult r = await(f);
                if (r instanceof AppendResult.Appended a) {
                    assertThat(a.message().seq()).as("an accepted append follows the removal at %d", removedAt)
                            .isLessThan(removedAt);
                    accepted++;
                } else {
                    assertThat(r).isInstanceOf(AppendResult.NotMember.class);
                }
            }
            assertThat(removedAt).isEqualTo(accepted + 2L);
            assertThat(lastSeq(g)).isEqualTo(removedAt);
            assertThat(seqs(messages.range(g, 0, MAX, 1_000)))
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, removedAt).boxed().toList());
        }
    }

    @Test
    public void concurrentAddsOnTwoInstancesNeverExceedTheMaximumSize() throws Exception {
        Stores second = secondStores();
        UserId owner = newUser("owner");
        ConversationId g = group(owner);
        List<UserId> candidates = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            candidates.add(newUser("u" + i));
        }
        int maxSize = 6;

        List<AppendResult> results = concurrently(16, t -> await((t % 2 == 0 ? messages : second.messageStore())
                .append(changeRequest(g, owner, new MembershipChange.Add(List.of(candidates.get(t)), Role.MEMBER,
                        maxSize)))));

        assertThat(results).filteredOn(r -> r instanceof AppendResult.Appended).hasSize(maxSize - 1);
        assertThat(results).filteredOn(r -> !(r instanceof AppendResult.Appended))
                .allSatisfy(r -> assertRefused(r, Refusal.GROUP_FULL));
        assertThat(second.conversationStore().membership(g))
                .hasValueSatisfying(m -> assertThat(m.size()).isEqualTo(maxSize));
        assertThat(seqs(messages.range(g, 0, MAX, 100))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }

    // ------------------------------------------------------------------------------------------
    // A user with many conversations

    @Test
    public void listForUserPagesThroughManyConversations() {
        UserId alice = newUser("alice");
        List<ConversationId> all = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            all.add(direct(alice, newUser("peer" + i)));
            all.add(group(newUser("owner" + i), alice));
        }
        List<ConversationId> expected = new ArrayList<>();
        // Activity in a shuffled but fixed order, some at the same moment.
        for (int i = 0; i < all.size(); i++) {
            ConversationId c = all.get((i * 7) % all.size());
            UserId sender = conversations.membership(c).orElseThrow().members().iterator().next();
            appended(append(AppendRequest.text(c, sender, device(sender), null, "m", T0 + 10_000 + i / 3)));
            expected.add(c);
        }
        expected.sort((x, y) -> {
            long ax = conversations.find(x).orElseThrow().lastActivityAt();
            long ay = conversations.find(y).orElseThrow().lastActivityAt();
            return ax != ay ? Long.compare(ay, ax) : Long.compare(y.value(), x.value());
        });

        assertThat(conversations.listForUser(alice, null, 100)).extracting(e -> e.conversation().id())
                .containsExactlyElementsOf(expected);
        List<ConversationId> paged = new ArrayList<>();
        List<ConversationEntry> page = conversations.listForUser(alice, null, 5);
        while (!page.isEmpty()) {
            assertThat(page.size()).isLessThanOrEqualTo(5);
            page.forEach(e -> paged.add(e.conversation().id()));
            page = conversations.listForUser(alice, cursorAfter(page.getLast()), 5);
        }
        assertThat(paged).containsExactlyElementsOf(expected);
        assertThat(conversations.conversationsOf(alice)).extracting(UserConversation::conversationId)
                .containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    public void contactsAmongFindsContactsInManyConversations() {
        UserId alice = newUser("alice");
        List<UserId> contacts = new ArrayList<>();
        List<UserId> strangers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            UserId peer = newUser("peer" + i);
            contacts.add(peer);
            if (i % 2 == 0) {
                direct(alice, peer);
            } else {
                group(peer, alice);
            }
            UserId stranger = newUser("stranger" + i);
            strangers.add(stranger);
            direct(stranger, peer);
        }
        List<UserId> asked = new ArrayList<>(contacts);
        asked.addAll(strangers);

        assertThat(conversations.contactsAmong(alice, asked)).containsExactlyInAnyOrderElementsOf(contacts);
        assertThat(conversations.contactsAmong(strangers.getFirst(), asked)).containsExactly(contacts.getFirst());
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

    private void promote(ConversationId g, UserId owner, UserId user) {
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

    private ConversationId conversationWithTexts(int n) {
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
