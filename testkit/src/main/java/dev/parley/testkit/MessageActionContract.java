package dev.parley.testkit;

import dev.parley.core.ChatException.Refusal;
import dev.parley.core.account.Account;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.Mention;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.core.message.Quote;
import dev.parley.core.message.Reaction;
import dev.parley.core.message.Reactions;
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
 * What every {@link dev.parley.core.message.MessageStore} does with replies and message actions,
 * apart from the {@link StoreContract} so the two suites stay small: an adapter's test extends
 * this class and opens its stores on an empty database, once per test.
 */
public abstract class MessageActionContract {
    private static final long T0 = 1_767_225_600_000L;
    protected static final String THUMBS = "\uD83D\uDC4D";
    protected static final String HEART = "\u2764\uFE0F";
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
    // Reactions: the first action, an entry of its own that changes its target in the same commit

    @Test
    public void aReactionIsAnEntryOfItsOwnAndItsTargetCarriesTheAggregate() {
        UserId alice = user("alice");
        UserId bob = user("bob");
        ConversationId c = direct(alice, bob);
        Message hello = text(c, alice, "hello");

        Message thumbs = appended(react(c, bob, "b-1", 1, THUMBS, true)).message();
        assertThat(thumbs.seq()).isEqualTo(2);
        assertThat(thumbs.kind()).isEqualTo(MessageKind.REACTION_ADDED);
        assertThat(thumbs.targetSeq()).isEqualTo(1);
        assertThat(thumbs.body()).isEqualTo(THUMBS);
        assertThat(thumbs.clientId()).isEqualTo("b-1");
        appended(react(c, alice, "a-1", 1, THUMBS, true));
        appended(react(c, bob, "b-2", 1, HEART, true));

        List<Message> page = stores.messageStore().range(c, 0, Long.MAX_VALUE, 10);
        assertThat(page).extracting(Message::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(page.getFirst().reactions()).as("emoji in the order first used, users in the order they reacted")
                .containsExactly(new Reaction(THUMBS, List.of(bob, alice)), new Reaction(HEART, List.of(bob)));
        assertThat(page.getFirst().body()).isEqualTo(hello.body());
        assertThat(page.get(1)).isEqualTo(thumbs);
        assertThat(stores.messageStore().before(c, Long.MAX_VALUE, Long.MAX_VALUE, 10)).as("a page before")
                .isEqualTo(page);

        Message off = appended(react(c, bob, "b-3", 1, THUMBS, false)).message();
        assertThat(off.kind()).isEqualTo(MessageKind.REACTION_REMOVED);
        assertThat(off.seq()).isEqualTo(5);
        assertThat(stores.messageStore().range(c, 0, 1, 1).getFirst().reactions())
                .containsExactly(new Reaction(THUMBS, List.of(alice)), new Reaction(HEART, List.of(bob)));
        appended(react(c, bob, "b-4", 1, HEART, false));
        appended(react(c, alice, "a-2", 1, THUMBS, false));
        assertThat(stores.messageStore().range(c, 0, 1, 1).getFirst().reactions()).isEmpty();
    }

    @Test
    public void aReactionAlreadyAsAskedChangesNothingAndARetryIsTheOriginal() {
        UserId alice = user("alice");
        UserId bob = user("bob");
        ConversationId c = direct(alice, bob);
        text(c, alice, "hello");
        Message original = appended(react(c, bob, "b-1", 1, THUMBS, true)).message();

        assertThat(react(c, bob, "b-2", 1, THUMBS, true)).isEqualTo(new AppendResult.Unchanged(1));
        assertThat(react(c, bob, "b-3", 1, HEART, false)).isEqualTo(new AppendResult.Unchanged(1));
        assertThat(react(c, bob, "b-1", 1, THUMBS, true)).isInstanceOfSatisfying(AppendResult.Duplicate.class,
                d -> assertThat(d.original()).isEqualTo(original));
        assertThat(react(c, bob, "b-1", 1, HEART, true)).isInstanceOf(AppendResult.ClientIdConflict.class);
        assertThat(react(c, bob, "b-1", 1, THUMBS, false)).isInstanceOf(AppendResult.ClientIdConflict.class);
        assertThat(stores.conversationStore().find(c).orElseThrow().lastSeq()).as("nothing more stored").isEqualTo(2);
        assertThat(stores.messageStore().range(c, 0, 1, 1).getFirst().reactions())
                .containsExactly(new Reaction(THUMBS, List.of(bob)));
    }

    @Test
    public void onePersonHasAtMostTheLimitOfDistinctReactionsOnOneMessage() {
        UserId alice = user("alice");
        UserId bob = user("bob");
        ConversationId c = direct(alice, bob);
        text(c, alice, "hello");
        List<String> emoji = List.of(THUMBS, HEART, "\uD83D\uDE02", "\uD83D\uDE2E");
        for (int i = 0; i < Reactions.MAX_PER_USER; i++) {
            appended(react(c, bob, "b-" + i, 1, emoji.get(i), true));
        }
        long last = stores.conversationStore().find(c).orElseThrow().lastSeq();
        String oneMore = emoji.get(Reactions.MAX_PER_USER);
        assertRefused(react(c, bob, "b-more", 1, oneMore, true), Refusal.TOO_MANY_REACTIONS);
        assertThat(stores.conversationStore().find(c).orElseThrow().lastSeq()).as("no seq taken").isEqualTo(last);
        appended(react(c, alice, "a-1", 1, oneMore, true));

        appended(react(c, bob, "b-off", 1, THUMBS, false));
        appended(react(c, bob, "b-more-again", 1, oneMore, true));
    }

    @Test
    public void aReactionToWhatIsNotAMessageIsRefusedAndAStrangerLearnsNothing() {
        UserId alice = user("alice");
        UserId bob = user("bob");
        UserId mallory = user("mallory");
        ConversationId c = direct(alice, bob);
        text(c, alice, "hello");
        appended(react(c, bob, "b-1", 1, THUMBS, true));
        ConversationId group = group(alice, bob);

        assertRefused(react(c, bob, "past-end", 9, THUMBS, true), Refusal.TARGET_NOT_FOUND);
        assertRefused(react(c, bob, "a-reaction", 2, THUMBS, true), Refusal.TARGET_NOT_FOUND);
        assertRefused(react(group, bob, "an-event", 1, THUMBS, true), Refusal.TARGET_NOT_FOUND);
        assertThat(react(c, mallory, "m-1", 1, THUMBS, true)).isInstanceOf(AppendResult.NotMember.class);
        assertThat(react(c, mallory, "m-2", 1, THUMBS, false)).as("not even an unchanged answer")
                .isInstanceOf(AppendResult.NotMember.class);
        assertThat(react(c, mallory, "m-3", 9, THUMBS, true)).isInstanceOf(AppendResult.NotMember.class);
        assertThat(stores.conversationStore().find(c).orElseThrow().lastSeq()).isEqualTo(2);
    }

    @Test
    public void retentionTakesTheReactionsWithTheMessagesItDeletes() throws Exception {
        UserId alice = user("alice");
        UserId bob = user("bob");
        ConversationId c = direct(alice, bob);
        text(c, alice, "old");
        appended(react(c, bob, "b-1", 1, THUMBS, true));
        long cutoff = tick();
        text(c, alice, "new");
        appended(react(c, bob, "b-2", 3, THUMBS, true));
        assertThat(storedReactions()).as("reactions stored").isEqualTo(2);

        assertThat(stores.messageStore().deleteOlderThan(cutoff)).isEqualTo(2);
        assertThat(stores.messageStore().range(c, 0, Long.MAX_VALUE, 10)).extracting(Message::seq)
                .containsExactly(3L, 4L);
        assertThat(storedReactions()).as("reactions stored after retention").isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------------
    // Edits

    @Test
    public void anEditIsAnEntryOfItsOwnAndTheMessageCarriesTheNewTextAndWhen() {
        UserId alice = user("alice");
        UserId bob = user("bob");
        ConversationId c = direct(alice, bob);
        Message typo = text(c, alice, "helo");
        Message reply = appended(reply(c, bob, "b-1", "hi!", typo.seq())).message();

        AppendRequest request = edit(c, alice, "a-1", typo.seq(), "hello", typo.createdAt());
        Message edit = appended(append(request)).message();
        assertThat(edit.seq()).isEqualTo(3);
        assertThat(edit.kind()).isEqualTo(MessageKind.EDITED);
        assertThat(edit.targetSeq()).isEqualTo(typo.seq());
        assertThat(edit.body()).isEqualTo("hello");

        List<Message> page = stores.messageStore().range(c, 0, Long.MAX_VALUE, 10);
        assertThat(page.getFirst().body()).as("the current text").isEqualTo("hello");
        assertThat(page.getFirst().editedAt()).as("when it was edited").isEqualTo(request.createdAt());
        assertThat(page.get(1).quote().excerpt()).as("a reply quotes the text as it is now").isEqualTo("hello");
        assertThat(page.get(1).seq()).isEqualTo(reply.seq());
        assertThat(stores.messageStore().before(c, Long.MAX_VALUE, Long.MAX_VALUE, 10)).isEqualTo(page);

        AppendRequest again = edit(c, alice, "a-2", typo.seq(), "hello there", typo.createdAt());
        appended(append(again));
        Message twice = stores.messageStore().range(c, 0, 1, 1).getFirst();
        assertThat(twice.body()).isEqualTo("hello there");
        assertThat(twice.editedAt()).isEqualTo(again.createdAt());
        assertThat(twice.createdAt()).as("sent when it was sent").isEqualTo(typo.createdAt());
    }

    @Test
    public void onlyTheSenderEditsOnlyTheirTextMessagesOnlyWithinTheWindow() {
        UserId alice = user("alice");
        UserId bob = user("bob");
        UserId mallory = user("mallory");
        ConversationId c = direct(alice, bob);
        Message hello = text(c, alice, "hello");
        ConversationId group = group(alice, bob);

        assertRefused(append(edit(c, bob, "b-1", hello.seq(), "hacked", 0)), Refusal.FORBIDDEN);
        assertRefused(append(edit(c, alice, "a-1", hello.seq(), "late", hello.createdAt() + 1)),
                Refusal.EDIT_WINDOW_CLOSED);
        assertRefused(append(edit(c, alice, "a-2", 9, "nothing", 0)), Refusal.TARGET_NOT_FOUND);
        assertRefused(append(edit(group, alice, "a-3", 1, "an event", 0)), Refusal.TARGET_NOT_FOUND);
        assertThat(append(edit(c, mallory, "m-1", hello.seq(), "mine", 0))).isInstanceOf(AppendResult.NotMember.class);
        assertThat(stores.conversationStore().find(c).orElseThrow().lastSeq()).as("no seq taken").isEqualTo(1);
        assertThat(stores.messageStore().range(c, 0, 1, 1).getFirst()).as("unchanged").isEqualTo(hello);
    }

    @Test
    public void aRetriedEditIsTheOriginalAndAnotherTextUnderItsClientIdConflicts() {
        UserId alice = user("alice");
        UserId bob = user("bob");
        ConversationId c = direct(alice, bob);
        Message hello = text(c, alice, "helo");
        Message original = appended(append(edit(c, alice, "a-1", hello.seq(), "hello", 0))).message();
        assertThat(append(edit(c, alice, "a-1", hello.seq(), "hello", 0)))
                .isInstanceOfSatisfying(AppendResult.Duplicate.class, d -> assertThat(d.original()).isEqualTo(original));
        assertThat(append(edit(c, alice, "a-1", hello.seq(), "hullo", 0)))
                .isInstanceOf(AppendResult.ClientIdConflict.class);
        assertThat(stores.conversationStore().find(c).orElseThrow().lastSeq()).isEqualTo(2);
    }

    @Test
    public void erasingAnAccountsTextsErasesItsEditsToo() {
        UserId alice = user("alice");
        UserId bob = user("bob");
        ConversationId c = direct(alice, bob);
        Message typo = text(c, alice, "helo");
        appended(append(edit(c, alice, "a-1", typo.seq(), "hello", 0)));
        text(c, bob, "hi");

        assertThat(stores.messageStore().eraseText(c, alice)).as("the message and the edit").isEqualTo(2);
        assertThat(stores.messageStore().range(c, 0, Long.MAX_VALUE, 10)).extracting(Message::body)
                .containsExactly(null, null, "hi");
    }

    // ------------------------------------------------------------------------------------------
    // Deletion for everyone

    @Test
    public void aDeletionLeavesATombstoneAndErasesTheTextItsEditsAndItsReactions() throws Exception {
        UserId alice = user("alice");
        UserId bob = user("bob");
        ConversationId c = direct(alice, bob);
        Message secret = text(c, alice, "the secret plan");
        appended(react(c, bob, "b-1", secret.seq(), THUMBS, true));
        appended(append(edit(c, alice, "a-1", secret.seq(), "the secret plan, v2", 0)));
        Message reply = appended(reply(c, bob, "b-2", "what plan?", secret.seq())).message();

        Message deletion = appended(append(deletion(c, alice, "a-2", secret.seq()))).message();
        assertThat(deletion.seq()).isEqualTo(5);
        assertThat(deletion.kind()).isEqualTo(MessageKind.DELETED);
        assertThat(deletion.targetSeq()).isEqualTo(secret.seq());
        assertThat(deletion.body()).isNull();

        List<Message> page = stores.messageStore().range(c, 0, Long.MAX_VALUE, 10);
        Message tombstone = page.getFirst();
        assertThat(tombstone.body()).as("the text").isNull();
        assertThat(tombstone.deletedAt()).isEqualTo(deletion.createdAt());
        assertThat(tombstone.deletedBy()).isEqualTo(alice);
        assertThat(tombstone.editedAt()).isZero();
        assertThat(tombstone.reactions()).isEmpty();
        assertThat(storedReactions()).isZero();
        assertThat(page.get(2).kind()).isEqualTo(MessageKind.EDITED);
        assertThat(page.get(2).body()).as("the edit's text").isNull();
        assertThat(page.get(3).seq()).isEqualTo(reply.seq());
        assertThat(page.get(3).quote()).as("a reply quotes the tombstone")
                .isEqualTo(new Quote(secret.seq(), alice, MessageKind.TEXT, null, true));
        assertThat(page).extracting(Message::body).containsOnly(null, THUMBS, "what plan?");
        assertThat(stores.messageStore().before(c, Long.MAX_VALUE, Long.MAX_VALUE, 10)).isEqualTo(page);
    }

    @Test
    public void aDeletedMessageIsNeitherEditedNorReactedToButStillAnsweredAndDeletedOnce() {
        UserId alice = user("alice");
        UserId bob = user("bob");
        ConversationId c = direct(alice, bob);
        Message gone = appended(append(AppendRequest.text(c, alice, device(alice), "a-1", "oops", tick()))).message();
        Message deletion = appended(append(deletion(c, alice, "a-2", gone.seq()))).message();

        assertRefused(append(edit(c, alice, "a-3", gone.seq(), "fixed", 0)), Refusal.MESSAGE_DELETED);
        assertRefused(react(c, bob, "b-1", gone.seq(), THUMBS, true), Refusal.MESSAGE_DELETED);
        assertThat(append(deletion(c, alice, "a-4", gone.seq()))).isEqualTo(new AppendResult.Unchanged(gone.seq()));
        assertThat(append(deletion(c, alice, "a-2", gone.seq()))).as("a retry")
                .isInstanceOfSatisfying(AppendResult.Duplicate.class, d -> assertThat(d.original()).isEqualTo(deletion));
        assertThat(append(AppendRequest.text(c, alice, device(alice), "a-1", "oops", tick())))
                .as("a retry of the deleted message's own send").isInstanceOf(AppendResult.Duplicate.class);
        assertThat(stores.conversationStore().find(c).orElseThrow().lastSeq()).isEqualTo(2);
        Message answer = appended(reply(c, bob, "b-2", "what was it?", gone.seq())).message();
        assertThat(answer.quote()).isEqualTo(new Quote(gone.seq(), alice, MessageKind.TEXT, null, true));
    }

    @Test
    public void theSenderDeletesTheirOwnAndAGroupsOwnerOrAdminAnyones() {
        UserId alice = user("alice");
        UserId bob = user("bob");
        UserId carol = user("carol");
        UserId mallory = user("mallory");
        ConversationId c = direct(alice, bob);
        Message hello = text(c, alice, "hello");
        assertRefused(append(deletion(c, bob, "b-1", hello.seq())), Refusal.FORBIDDEN);
        assertThat(append(deletion(c, mallory, "m-1", hello.seq()))).isInstanceOf(AppendResult.NotMember.class);
        assertRefused(append(deletion(c, bob, "b-2", 9)), Refusal.TARGET_NOT_FOUND);

        ConversationId g = group(alice, bob, carol);
        Message byBob = text(g, bob, "spam");
        Message byCarol = text(g, carol, "hi all");
        assertRefused(append(deletion(g, bob, "b-3", byCarol.seq())), Refusal.FORBIDDEN);
        assertRefused(append(deletion(g, bob, "b-4", 1)), Refusal.TARGET_NOT_FOUND);
        Message moderated = appended(append(deletion(g, alice, "a-1", byBob.seq()))).message();
        assertThat(stores.messageStore().range(g, byBob.seq() - 1, byBob.seq(), 1).getFirst().deletedBy())
                .as("deleted by the owner").isEqualTo(alice);
        assertThat(moderated.senderId()).isEqualTo(alice);
        appended(append(AppendRequest.change(g, alice, device(alice), MessageKind.ROLE_CHANGED,
                new dev.parley.core.message.MembershipChange.SetRole(bob, dev.parley.core.conversation.Role.ADMIN),
                tick())));
        appended(append(deletion(g, bob, "b-5", byCarol.seq())));
        appended(append(deletion(c, alice, "a-2", hello.seq())));
    }

    // ------------------------------------------------------------------------------------------
    // Mentions

    @Test
    public void aGroupMessageKeepsItsMentionsAndTheyCountUntilReadEditedOrDeleted() {
        UserId alice = user("alice");
        UserId bob = user("bob");
        UserId carol = user("carol");
        ConversationId g = group(alice, bob, carol);
        String body = "hi @bob and @carol";
        List<Mention> mentions = List.of(new Mention(carol, 12, 6), new Mention(bob, 3, 4));
        Message hi = appended(append(AppendRequest.text(g, alice, device(alice), "a-1", body, tick(), -1, 0,
                mentions))).message();
        List<Mention> sorted = List.of(new Mention(bob, 3, 4), new Mention(carol, 12, 6));
        assertThat(hi.mentions()).isEqualTo(sorted);
        assertThat(stores.messageStore().range(g, 1, hi.seq(), 1).getFirst().mentions()).isEqualTo(sorted);
        assertThat(stores.messageStore().mentions(g, bob, 0, hi.seq())).isTrue();
        assertThat(stores.messageStore().mentions(g, bob, hi.seq(), hi.seq())).as("read past it").isFalse();
        assertThat(stores.messageStore().mentions(g, alice, 0, hi.seq())).isFalse();
        assertThat(append(AppendRequest.text(g, alice, device(alice), "a-1", body, tick(), -1, 0, mentions)))
                .as("a retry").isInstanceOf(AppendResult.Duplicate.class);
        assertThat(append(AppendRequest.text(g, alice, device(alice), "a-1", body, tick(), -1, 0, List.of())))
                .as("the client id for other mentions").isInstanceOf(AppendResult.ClientIdConflict.class);

        appended(append(edit(g, alice, "a-2", hi.seq(), "hi all", 0)));
        assertThat(stores.messageStore().range(g, 1, hi.seq(), 1).getFirst().mentions()).as("edited").isEmpty();
        assertThat(stores.messageStore().mentions(g, bob, 0, Long.MAX_VALUE)).isFalse();

        Message again = appended(append(AppendRequest.text(g, alice, device(alice), "a-3", "@carol?", tick(), -1, 0,
                List.of(new Mention(carol, 0, 6))))).message();
        assertThat(stores.messageStore().mentions(g, carol, 0, Long.MAX_VALUE)).isTrue();
        appended(append(deletion(g, alice, "a-4", again.seq())));
        assertThat(stores.messageStore().mentions(g, carol, 0, Long.MAX_VALUE)).as("deleted").isFalse();
        assertThat(stores.messageStore().range(g, again.seq() - 1, again.seq(), 1).getFirst().mentions()).isEmpty();
    }

    // ------------------------------------------------------------------------------------------
    // Helpers

    /** How many reactions the database holds, counted by the adapter's test straight from its tables. */
    protected abstract long storedReactions() throws Exception;

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

    protected final AppendResult react(ConversationId c, UserId sender, String clientId, long targetSeq, String emoji,
                                       boolean add) {
        return append(AppendRequest.reaction(c, sender, device(sender), clientId, targetSeq, emoji, add, tick(), -1));
    }

    protected final AppendRequest deletion(ConversationId c, UserId sender, String clientId, long targetSeq) {
        return AppendRequest.deletion(c, sender, device(sender), clientId, targetSeq, tick(), -1);
    }

    /** An edit of a message sent at or after {@code editableSince}. */
    protected final AppendRequest edit(ConversationId c, UserId sender, String clientId, long targetSeq, String body,
                                       long editableSince) {
        return AppendRequest.edit(c, sender, device(sender), clientId, targetSeq, body, tick(), -1, editableSince);
    }

    protected final AppendResult append(AppendRequest request) {
        return await(stores.messageStore().append(request));
    }
}
