package dev.parley.testkit;

import dev.parley.core.ChatException.Refusal;
import dev.parley.core.account.Account;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.core.message.Quote;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static dev.parley.testkit.StoreContract.appended;
import static dev.parley.testkit.StoreContract.assertRefused;
import static dev.parley.testkit.StoreContract.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link dev.parley.core.message.MessageStore} does with message actions (replies),
 * apart from the {@link StoreContract} so the two suites stay small: an adapter's test extends
 * this class and opens its stores on an empty database, once per test.
 */
public abstract class MessageActionContract {
    private static final long T0 = 1_767_225_600_000L;
    private final AtomicLong clock = new AtomicLong(T0);
    private final AtomicLong ids = new AtomicLong(1_000);
    private Stores stores;

    /** Opens the stores on an empty database; called once per test. */
    protected abstract Stores openStores() throws Exception;

    @BeforeEach
    final void openActionStores() throws Exception {
        stores = openStores();
    }

    @AfterEach
    final void closeActionStores() throws Exception {
        if (stores != null) {
            stores.close();
        }
    }

    // ------------------------------------------------------------------------------------------
    // Replies

    @Test
    public void aReplyCarriesWhatItQuotesLiveAndInEveryHistoryRead() {
        UserId alice = user("alice");
        UserId bob = user("bob");
        ConversationId c = direct(alice, bob);
        Message question = text(c, alice, "are you coming tonight?");

        Message reply = appended(reply(c, bob, "r-1", "yes!", question.seq())).message();

        Quote expected = new Quote(question.seq(), alice, MessageKind.TEXT, "are you coming tonight?");
        assertThat(reply.replyTo()).isEqualTo(question.seq());
        assertThat(reply.quote()).as("the appended entry, as it is published").isEqualTo(expected);
        assertThat(stores.messageStore().range(c, 0, Long.MAX_VALUE, 10)).as("a page after")
                .containsExactly(question, reply);
        assertThat(stores.messageStore().before(c, Long.MAX_VALUE, Long.MAX_VALUE, 1)).as("the newest entry")
                .containsExactly(reply);
    }

    @Test
    public void aQuoteHoldsTheFirstCharactersOfTheQuotedTextAsItIsNow() {
        UserId alice = user("alice");
        UserId bob = user("bob");
        ConversationId c = direct(alice, bob);
        String longText = "x".repeat(Quote.EXCERPT_CHARS - 1) + "\uD83D\uDC4D and the rest of a long story";
        Message question = text(c, alice, longText);
        Message reply = appended(reply(c, bob, "r-1", "ok", question.seq())).message();
        assertThat(reply.quote().excerpt()).as("cut before a surrogate pair, never inside it")
                .isEqualTo("x".repeat(Quote.EXCERPT_CHARS - 1));

        // The quote is read from the quoted entry each time, so erased text is gone from it too.
        assertThat(stores.messageStore().eraseText(c, alice)).isEqualTo(1);
        Message read = stores.messageStore().range(c, question.seq(), reply.seq(), 1).getFirst();
        assertThat(read.quote()).isEqualTo(new Quote(question.seq(), alice, MessageKind.TEXT, null));
    }

    @Test
    public void aReplyToNothingItCanAnswerIsRefusedAndUsesNoSeq() {
        UserId alice = user("alice");
        UserId bob = user("bob");
        UserId carol = user("carol");
        ConversationId c = direct(alice, bob);
        ConversationId other = direct(alice, carol);
        text(other, carol, "one");
        text(other, carol, "two");
        text(c, alice, "hello");
        ConversationId group = group(alice, bob);

        assertRefused(reply(c, bob, "past-end", "?", 2), Refusal.TARGET_NOT_FOUND);
        assertRefused(reply(c, bob, "other-conversation", "?", 2), Refusal.TARGET_NOT_FOUND);
        assertRefused(reply(group, bob, "an-event", "?", 1), Refusal.TARGET_NOT_FOUND);
        assertThat(stores.conversationStore().find(c).orElseThrow().lastSeq()).as("no seq taken").isEqualTo(1);
        assertThat(text(c, bob, "next").seq()).isEqualTo(2);
        assertThat(appended(reply(c, bob, "after", "fine", 2)).message().seq()).isEqualTo(3);
    }

    @Test
    public void aStrangerReplyingLearnsNothingAboutTheConversation() {
        UserId alice = user("alice");
        UserId bob = user("bob");
        UserId mallory = user("mallory");
        ConversationId c = direct(alice, bob);
        text(c, alice, "private");
        assertThat(reply(c, mallory, "m-1", "hi", 1)).isInstanceOf(AppendResult.NotMember.class);
        assertThat(reply(c, mallory, "m-2", "hi", 5)).isInstanceOf(AppendResult.NotMember.class);
    }

    @Test
    public void aRetriedReplyIsTheOriginalAndAnotherTargetUnderItsClientIdConflicts() {
        UserId alice = user("alice");
        UserId bob = user("bob");
        ConversationId c = direct(alice, bob);
        text(c, alice, "first");
        text(c, alice, "second");
        Message original = appended(reply(c, bob, "r-1", "this one", 1)).message();

        AppendResult again = reply(c, bob, "r-1", "this one", 1);
        assertThat(again).isInstanceOfSatisfying(AppendResult.Duplicate.class,
                d -> assertThat(d.original()).isEqualTo(original));
        assertThat(reply(c, bob, "r-1", "this one", 2)).isInstanceOf(AppendResult.ClientIdConflict.class);
        assertThat(reply(c, bob, "r-1", "this one", 0)).isInstanceOf(AppendResult.ClientIdConflict.class);
        assertThat(stores.conversationStore().find(c).orElseThrow().lastSeq()).isEqualTo(3);
    }

    // ------------------------------------------------------------------------------------------
    // Helpers

    protected final long tick() {
        return clock.incrementAndGet();
    }

    protected final UserId user(String username) {
        Account a = new Account(new UserId(ids.incrementAndGet()), username,
                "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", false, Instant.ofEpochMilli(tick()));
        assertThat(stores.accountStore().createAccount(a)).contains(a);
        return a.id();
    }

    protected final DeviceId device(UserId user) {
        return new DeviceId(user.value() + 500_000);
    }

    protected final ConversationId direct(UserId a, UserId b) {
        return stores.conversationStore().openDirect(new ConversationId(ids.incrementAndGet()), a, b, tick()).id();
    }

    protected final ConversationId group(UserId owner, UserId... members) {
        ConversationId g = new ConversationId(ids.incrementAndGet());
        await(stores.messageStore().createGroup(g, owner, device(owner), "Group", List.of(members), tick()));
        return g;
    }

    protected final Message text(ConversationId c, UserId sender, String body) {
        return appended(append(AppendRequest.text(c, sender, device(sender), null, body, tick()))).message();
    }

    protected final AppendResult reply(ConversationId c, UserId sender, String clientId, String body, long replyTo) {
        return append(AppendRequest.reply(c, sender, device(sender), clientId, body, tick(), -1, replyTo));
    }

    protected final AppendResult append(AppendRequest request) {
        return await(stores.messageStore().append(request));
    }
}
