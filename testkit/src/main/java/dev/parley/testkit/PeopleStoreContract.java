package dev.parley.testkit;

import dev.parley.core.ChatException.Refusal;
import dev.parley.core.IdGenerator;
import dev.parley.core.account.Account;
import dev.parley.core.account.AccountStore;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.block.Block;
import dev.parley.core.block.BlockStore;
import dev.parley.core.conversation.Conversation;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.MembershipChange;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.core.message.MessageStore;
import dev.parley.core.profile.AvatarImage;
import dev.parley.core.profile.ProfileFields;
import dev.parley.core.profile.ProfileStore;
import dev.parley.core.report.Report;
import dev.parley.core.report.ReportReason;
import dev.parley.core.report.ReportStore;
import dev.parley.core.request.MessageRequest;
import dev.parley.core.request.RequestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every implementation of the people ports ({@link ProfileStore}, {@link BlockStore},
 * {@link RequestStore}, {@link ReportStore}) and of the account and message operations they lean
 * on must do. As with {@link StoreContract}, an adapter's test says how to open its stores on an
 * empty database, and every test runs unchanged against it.
 */
public abstract class PeopleStoreContract {
    private static final long T0 = 1_767_225_600_000L;

    private final AtomicLong clock = new AtomicLong(T0);
    private IdGenerator ids;
    private PeopleStores stores;

    protected AccountStore accounts;
    protected ConversationStore conversations;
    protected MessageStore messages;
    protected ProfileStore profiles;
    protected BlockStore blocks;
    protected RequestStore requests;
    protected ReportStore reports;

    /** Opens the stores on an empty database; called once per test. */
    protected abstract PeopleStores openStores() throws Exception;

    @BeforeEach
    protected final void openPeopleStores() throws Exception {
        ids = new IdGenerator(Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC), 0);
        stores = openStores();
        accounts = stores.base().accountStore();
        conversations = stores.base().conversationStore();
        messages = stores.base().messageStore();
        profiles = stores.profiles();
        blocks = stores.blocks();
        requests = stores.requests();
        reports = stores.reports();
    }

    @AfterEach
    protected final void closePeopleStores() throws Exception {
        stores.close();
    }

    // ---- profiles ----------------------------------------------------------------------------

    @Test
    public void profileTextIsStoredAndClearedWithoutTouchingTheAvatar() {
        UserId alice = newUser("alice");
        assertThat(profiles.fields(List.of(alice))).isEmpty();

        profiles.setText(alice, "Alice Liddell", "down the rabbit hole", tick());
        profiles.setAvatar(alice, new AvatarImage("v1", "image/jpeg", new byte[]{1, 2, 3}), tick());
        profiles.setText(alice, "Alice", null, tick());

        assertThat(profiles.fields(List.of(alice))).isEqualTo(Map.of(alice, new ProfileFields("Alice", null, "v1")));
    }

    @Test
    public void onlyTheCurrentAvatarVersionIsServed() {
        UserId alice = newUser("alice");
        profiles.setAvatar(alice, new AvatarImage("v1", "image/jpeg", new byte[]{1}), tick());
        profiles.setAvatar(alice, new AvatarImage("v2", "image/png", new byte[]{2, 2}), tick());

        assertThat(profiles.avatar(alice, "v1")).isEmpty();
        assertThat(profiles.avatar(alice, "v2")).hasValueSatisfying(a -> {
            assertThat(a.contentType()).isEqualTo("image/png");
            assertThat(a.bytes()).containsExactly(2, 2);
        });
        assertThat(profiles.fields(List.of(alice)).get(alice).avatar()).isEqualTo("v2");

        assertThat(profiles.removeAvatar(alice)).isTrue();
        assertThat(profiles.removeAvatar(alice)).isFalse();
        assertThat(profiles.avatar(alice, "v2")).isEmpty();
        assertThat(profiles.fields(List.of(alice)).get(alice).avatar()).isNull();
    }

    @Test
    public void deletingAProfileForgetsTextAndAvatarOfThatUserOnly() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        profiles.setText(alice, "Alice", "hi", tick());
        profiles.setAvatar(alice, new AvatarImage("va", "image/jpeg", new byte[]{1}), tick());
        profiles.setText(bob, "Bob", null, tick());

        profiles.delete(alice);

        assertThat(profiles.fields(List.of(alice, bob))).isEqualTo(Map.of(bob, new ProfileFields("Bob", null, null)));
        assertThat(profiles.avatar(alice, "va")).isEmpty();
    }

    // ---- blocks ------------------------------------------------------------------------------

    @Test
    public void blocksAreListedByBlockerAndFoundByBlocked() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");

        assertThat(blocks.block(alice, bob, 100)).isTrue();
        assertThat(blocks.block(alice, bob, 200)).isFalse();
        assertThat(blocks.block(alice, carol, 300)).isTrue();
        assertThat(blocks.block(carol, bob, 400)).isTrue();

        assertThat(blocks.blocksBy(alice)).containsExactly(new Block(alice, carol, 300), new Block(alice, bob, 100));
        assertThat(blocks.blockersOf(bob)).containsExactlyInAnyOrder(alice, carol);
        assertThat(blocks.blockersOf(alice)).isEmpty();

        assertThat(blocks.unblock(alice, bob)).isTrue();
        assertThat(blocks.unblock(alice, bob)).isFalse();
        assertThat(blocks.blockersOf(bob)).containsExactly(carol);

        blocks.removeBlocksBy(carol);
        assertThat(blocks.blockersOf(bob)).isEmpty();
        assertThat(blocks.blocksBy(alice)).containsExactly(new Block(alice, carol, 300));
    }

    // ---- message requests ---------------------------------------------------------------------

    @Test
    public void aRequestOpensTheDirectConversationWithTheRequesterAlone() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");

        Conversation c = requests.open(new ConversationId(ids.next()), alice, bob, tick());

        assertThat(conversations.membership(c.id())).hasValueSatisfying(m -> assertThat(m.members()).containsExactly(alice));
        assertThat(requests.directBetween(bob, alice)).contains(c.id());
        assertThat(requests.find(c.id())).hasValueSatisfying(r -> {
            assertThat(r.recipient()).isEqualTo(bob);
            assertThat(r.requester()).isEqualTo(alice);
            assertThat(r.declined()).isFalse();
            assertThat(r.notified()).isFalse();
        });
        assertThat(requests.pendingFor(bob, 10)).extracting(MessageRequest::conversationId).containsExactly(c.id());
        assertThat(requests.pendingFor(alice, 10)).isEmpty();
        // Opening the pair again, either way and either kind, finds the same conversation.
        assertThat(requests.open(new ConversationId(ids.next()), bob, alice, tick()).id()).isEqualTo(c.id());
        assertThat(conversations.openDirect(new ConversationId(ids.next()), bob, alice, tick()).id()).isEqualTo(c.id());
        assertThat(conversations.membership(c.id()).orElseThrow().members()).containsExactly(alice);
    }

    @Test
    public void acceptingMakesTheRecipientAMemberAtTheEntrysSeq() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = requests.open(new ConversationId(ids.next()), alice, bob, tick()).id();
        text(c, alice, "hello stranger");

        AppendResult r = accept(c, bob);

        assertThat(r).isInstanceOfSatisfying(AppendResult.Appended.class, a -> {
            assertThat(a.message().seq()).isEqualTo(2);
            assertThat(a.message().kind()).isEqualTo(MessageKind.REQUEST_ACCEPTED);
            assertThat(a.message().userIds()).containsExactly(bob);
            assertThat(a.membership().members()).containsExactlyInAnyOrder(alice, bob);
            assertThat(a.membership().version()).isEqualTo(2);
        });
        assertThat(conversations.membership(c).orElseThrow().version()).isEqualTo(2);
        assertThat(conversations.member(c, bob)).hasValueSatisfying(m -> assertThat(m.visibleUpTo()).isEqualTo(Long.MAX_VALUE));
        assertThat(requests.find(c)).isEmpty();
        assertThat(messages.range(c, 0, 10, 10)).extracting(Message::kind)
                .containsExactly(MessageKind.TEXT, MessageKind.REQUEST_ACCEPTED);
        assertThat(text(c, bob, "hi!").seq()).isEqualTo(3);
    }

    @Test
    public void onlyTheRecipientMayAccept() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        ConversationId c = requests.open(new ConversationId(ids.next()), alice, bob, tick()).id();

        assertThat(accept(c, carol)).isInstanceOf(AppendResult.NotMember.class);
        assertThat(accept(c, alice)).isInstanceOfSatisfying(AppendResult.Refused.class,
                refused -> assertThat(refused.refusal()).isEqualTo(Refusal.CONFLICT));
        assertThat(requests.find(c)).isPresent();
        ConversationId ordinary = conversations.openDirect(new ConversationId(ids.next()), alice, carol, tick()).id();
        assertThat(accept(ordinary, carol)).isInstanceOf(AppendResult.Refused.class);
    }

    @Test
    public void theRecipientIsNotifiedOnceAndADeclinedRequestIsNoLongerPending() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = requests.open(new ConversationId(ids.next()), alice, bob, tick()).id();

        assertThat(requests.markNotified(c)).hasValueSatisfying(r -> assertThat(r.notified()).isTrue());
        assertThat(requests.markNotified(c)).isEmpty();
        assertThat(requests.decline(c, alice)).isFalse();
        assertThat(requests.decline(c, bob)).isTrue();
        assertThat(requests.decline(c, bob)).isFalse();

        assertThat(requests.pendingFor(bob, 10)).isEmpty();
        assertThat(requests.find(c)).hasValueSatisfying(r -> assertThat(r.declined()).isTrue());
        // Declined is not accepted: the recipient may still accept by opening the conversation.
        assertThat(accept(c, bob)).isInstanceOf(AppendResult.Appended.class);
    }

    @Test
    public void aDeletedAccountsRequestsAreDeclinedBothWays() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        ConversationId sent = requests.open(new ConversationId(ids.next()), alice, bob, tick()).id();
        ConversationId received = requests.open(new ConversationId(ids.next()), carol, alice, tick()).id();
        ConversationId other = requests.open(new ConversationId(ids.next()), carol, bob, tick()).id();

        requests.declineInvolving(alice);

        assertThat(requests.find(sent).orElseThrow().declined()).isTrue();
        assertThat(requests.find(received).orElseThrow().declined()).isTrue();
        assertThat(requests.pendingFor(bob, 10)).extracting(MessageRequest::conversationId).containsExactly(other);
    }

    @Test
    public void pendingRequestsComeNewestFirstUpToTheLimit() {
        UserId bob = newUser("bob");
        List<ConversationId> opened = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            opened.add(requests.open(new ConversationId(ids.next()), newUser("user" + i), bob, tick()).id());
        }
        assertThat(requests.pendingFor(bob, 3)).extracting(MessageRequest::conversationId)
                .containsExactly(opened.get(4), opened.get(3), opened.get(2));
    }

    // ---- reports, erasing, passwords ------------------------------------------------------------

    @Test
    public void aReportKeepsItsCopiesWhenTheTextIsErased() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = conversations.openDirect(new ConversationId(ids.next()), alice, bob, tick()).id();
        Message first = text(c, bob, "first nasty thing");
        text(c, alice, "stop it");
        Message second = text(c, bob, "second nasty thing");
        Report report = new Report(ids.next(), alice, bob, c, ReportReason.HARASSMENT, "please look", tick(), 0,
                List.of(first, second));
        reports.create(report);

        assertThat(messages.eraseText(c, bob)).isEqualTo(2);

        assertThat(messages.range(c, 0, 10, 10)).extracting(Message::body).containsExactly(null, "stop it", null);
        assertThat(reports.find(report.id())).contains(report);
        assertThat(reports.list(true, 10)).containsExactly(report);
        assertThat(reports.countSince(alice, T0)).isEqualTo(1);
        assertThat(reports.countSince(bob, T0)).isZero();
    }

    @Test
    public void resolvedReportsLeaveTheOpenList() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        Report older = new Report(ids.next(), alice, bob, null, ReportReason.SPAM, null, tick(), 0, List.of());
        Report newer = new Report(ids.next(), bob, alice, null, ReportReason.OTHER, "x", tick(), 0, List.of());
        reports.create(older);
        reports.create(newer);

        assertThat(reports.resolve(older.id(), 5)).isTrue();
        assertThat(reports.resolve(older.id(), 6)).isFalse();

        assertThat(reports.list(true, 10)).containsExactly(newer);
        assertThat(reports.list(false, 10)).extracting(Report::id).containsExactly(newer.id(), older.id());
        assertThat(reports.find(older.id()).orElseThrow().resolvedAt()).isEqualTo(5);
    }

    @Test
    public void aPasswordHashIsReplacedButNotForADeletedAccount() {
        UserId alice = newUser("alice");
        assertThat(accounts.setPasswordHash(alice, "$argon2id$new")).isTrue();
        assertThat(accounts.findAccount(alice).orElseThrow().passwordHash()).isEqualTo("$argon2id$new");

        assertThat(accounts.deleteAccount(alice)).isTrue();
        assertThat(accounts.findAccount(alice).orElseThrow().deleted()).isTrue();
        assertThat(accounts.setPasswordHash(alice, "$argon2id$again")).isFalse();
        assertThat(accounts.setPasswordHash(new UserId(ids.next()), "$argon2id$x")).isFalse();
    }

    // ---- helpers -------------------------------------------------------------------------------

    private long tick() {
        return clock.incrementAndGet();
    }

    private UserId newUser(String username) {
        Account a = new Account(new UserId(ids.next()), username, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", false,
                Instant.ofEpochMilli(tick()));
        assertThat(accounts.createAccount(a)).contains(a);
        return a.id();
    }

    private Message text(ConversationId c, UserId sender, String body) {
        AppendResult r = await(messages.append(AppendRequest.text(c, sender, new DeviceId(sender.value()), null, body,
                tick())));
        assertThat(r).isInstanceOf(AppendResult.Appended.class);
        return ((AppendResult.Appended) r).message();
    }

    private AppendResult accept(ConversationId c, UserId recipient) {
        return await(messages.append(AppendRequest.change(c, recipient, new DeviceId(recipient.value()),
                MessageKind.REQUEST_ACCEPTED, new MembershipChange.AcceptRequest(), tick())));
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

}
