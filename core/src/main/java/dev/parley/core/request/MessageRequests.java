package dev.parley.core.request;

import dev.parley.core.ChatException;
import dev.parley.core.ChatException.Refusal;
import dev.parley.core.IdGenerator;
import dev.parley.core.account.Account;
import dev.parley.core.account.AccountStore;
import dev.parley.core.account.Caller;
import dev.parley.core.account.UserId;
import dev.parley.core.block.BlockDirectory;
import dev.parley.core.block.Reach;
import dev.parley.core.conversation.Conversation;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.Membership;
import dev.parley.core.conversation.MembershipDirectory;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.delivery.EventPublisher;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.DirectGate;
import dev.parley.core.message.MembershipChange;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.core.message.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Direct conversations and their message requests: who may open one with whom, which arrive as
 * requests, and what accepting, declining and the first message of a request do. Blocking (except
 * {@link #check} and {@link #loneEntry}): run on virtual threads.
 *
 * <p>Under {@link RequestRule#CONTACTS_ONLY}, a direct conversation opened with someone who shares
 * no conversation with the opener starts as a request: the opener is its only member and writes
 * into it alone; the recipient sees it in their requests folder, may read it, and is told once
 * (a {@code request} event and one quiet push) when its first message arrives. Nothing else of it
 * reaches them: no messages live, no typing, and since they are no member, the opener sees no
 * receipts or presence of theirs. Accepting (or the recipient opening the conversation
 * themselves) appends a {@code request_accepted} entry that makes them a member, in the same
 * transaction; from then on it is an ordinary conversation. Declining keeps the request, hidden,
 * so the same person's later messages do not bring it back.
 */
public final class MessageRequests implements DirectGate {
    private static final Logger log = LoggerFactory.getLogger(MessageRequests.class);
    private static final int MAX_CACHED = 100_000;

    private final RequestStore store;
    private final ConversationStore conversations;
    private final MessageStore messages;
    private final AccountStore accounts;
    private final MembershipDirectory memberships;
    private final BlockDirectory blocks;
    private final EventPublisher publisher;
    private final IdGenerator ids;
    private final Clock clock;
    private final Executor blocking;
    private final RequestRule rule;
    /** The recipient of each request conversation: fixed for the conversation's life, so never stale. */
    private final ConcurrentHashMap<ConversationId, UserId> recipients = new ConcurrentHashMap<>();
    /** Lone entries waiting for {@link #drainLoneEntries}, in commit order; bounded (a notice is best effort). */
    private final java.util.concurrent.ConcurrentLinkedQueue<Message> lone = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger loneWaiting = new java.util.concurrent.atomic.AtomicInteger();
    private static final int MAX_LONE_WAITING = 10_000;

    public MessageRequests(RequestStore store, ConversationStore conversations, MessageStore messages,
                           AccountStore accounts, MembershipDirectory memberships, BlockDirectory blocks,
                           EventPublisher publisher, IdGenerator ids, Clock clock, Executor blocking, RequestRule rule) {
        this.store = store;
        this.conversations = conversations;
        this.messages = messages;
        this.accounts = accounts;
        this.memberships = memberships;
        this.blocks = blocks;
        this.publisher = publisher;
        this.ids = ids;
        this.clock = clock;
        this.blocking = blocking;
        this.rule = rule;
    }

    public RequestRule rule() {
        return rule;
    }

    /**
     * The direct conversation of the caller and {@code peer}, created on first use (as a request
     * when the rule says so). Refused with UNREACHABLE when the peer blocked the caller; for the
     * recipient of a request, opening it accepts it.
     */
    public Conversation openDirect(Caller caller, UserId peer) {
        UserId me = caller.userId();
        if (peer.equals(me)) {
            throw ChatException.invalid("a direct conversation needs another user");
        }
        Account other = accounts.findAccount(peer).orElseThrow(() -> ChatException.notFound("user"));
        Reach reach = blocks.reachNow(peer);
        if (reach.blocked().contains(me)) {
            throw unreachable();
        }
        Optional<ConversationId> existing = store.directBetween(me, peer);
        Conversation c;
        if (existing.isPresent()) {
            c = conversations.find(existing.get()).orElse(null);
            if (c == null) {
                c = conversations.openDirect(existing.get(), me, peer, clock.millis());
            }
        } else if (other.deleted()) {
            throw ChatException.notFound("user");
        } else if (rule == RequestRule.CONTACTS_ONLY && conversations.contactsAmong(me, List.of(peer)).isEmpty()) {
            c = store.open(new ConversationId(ids.next()), me, peer, clock.millis());
        } else {
            c = conversations.openDirect(new ConversationId(ids.next()), me, peer, clock.millis());
        }
        if (!memberships.getNow(c.id()).isMember(me)) {
            // The caller is the recipient of a request in it (maybe opened concurrently by the peer).
            accept(caller, c.id());
            c = conversations.find(c.id()).orElseThrow();
        }
        return c;
    }

    /** Accepts the caller's request in this conversation: they become its member. */
    public Message accept(Caller caller, ConversationId id) {
        MessageRequest r = store.find(id).filter(q -> q.recipient().equals(caller.userId()))
                .orElseThrow(() -> ChatException.notFound("conversation"));
        if (!blocks.reachNow(caller.userId()).open(r.requester())) {
            throw unreachable();
        }
        AppendRequest request = AppendRequest.change(id, caller.userId(), caller.deviceId(), MessageKind.REQUEST_ACCEPTED,
                new MembershipChange.AcceptRequest(), clock.millis());
        AppendResult result = await(messages.append(request, committed -> {
            if (committed instanceof AppendResult.Appended a) {
                memberships.changed(a.membership());
                publisher.publish(new ChatEvent.MessageAdded(a.message()), a.membership().members());
            }
        }));
        return switch (result) {
            case AppendResult.Appended a -> a.message();
            case AppendResult.Duplicate d -> d.original();
            case AppendResult.NotMember n -> throw ChatException.notFound("conversation");
            case AppendResult.Refused refused -> throw new ChatException(refused.refusal(), refused.reason());
            case AppendResult.ClientIdConflict c -> throw new ChatException(Refusal.CONFLICT, "already accepted");
            case AppendResult.Unchanged u -> throw new IllegalStateException("an acceptance is never unchanged");
        };
    }

    /** Declines (deletes from the folder) the caller's pending request in this conversation. */
    public void decline(Caller caller, ConversationId id) {
        if (!store.decline(id, caller.userId())) {
            throw ChatException.notFound("conversation");
        }
    }

    /** Declines the request {@code requester} sent {@code recipient}, if one is pending (a block does this). */
    public void declineFrom(UserId recipient, UserId requester) {
        store.directBetween(recipient, requester).ifPresent(id -> store.decline(id, recipient));
    }

    /** The caller's pending requests that have at least one message, newest first. */
    public List<MessageRequest> pending(Caller caller, int limit) {
        return store.pendingFor(caller.userId(), limit).stream()
                .filter(r -> conversations.find(r.conversationId()).map(c -> c.lastSeq() > 0).orElse(false))
                .toList();
    }

    /** The caller's pending request in this conversation, if it is one (what lets them read it). */
    public Optional<MessageRequest> pendingFor(UserId user, ConversationId id) {
        return store.find(id).filter(r -> r.recipient().equals(user) && !r.declined());
    }

    /** The request of a conversation, if it has or had one. */
    public Optional<MessageRequest> find(ConversationId id) {
        return store.find(id);
    }

    /**
     * The send path's check for direct conversations: neither person blocked the other, and the
     * other is not a deleted account. The other is the second member, or for a request the
     * recipient. Never blocks on a cache hit.
     */
    @Override
    public CompletableFuture<Void> check(UserId sender, Membership direct) {
        for (UserId member : direct.members()) {
            if (!member.equals(sender)) {
                Reach mine = blocks.cached(sender);
                Reach theirs = blocks.cached(member);
                if (mine != null && theirs != null) {
                    // Both reaches cached (nearly every send): decided now, with no future per
                    // step (issue 19). The same decision as below.
                    try {
                        allow(sender, member, mine, theirs);
                        return ALLOWED;
                    } catch (ChatException e) {
                        return CompletableFuture.failedFuture(e);
                    }
                }
                break;
            }
        }
        return peer(sender, direct).thenCompose(peer -> peer == null ? CompletableFuture.completedFuture(null)
                : blocks.reach(sender).thenCombine(blocks.reach(peer), (mine, theirs) -> {
                    allow(sender, peer, mine, theirs);
                    return null;
                }));
    }

    /** Refuses unless {@code sender} may write to {@code peer}, given both reaches. */
    private static void allow(UserId sender, UserId peer, Reach mine, Reach theirs) {
        if (mine.blocked().contains(peer)) {
            throw new ChatException(Refusal.UNREACHABLE, "you blocked this user; unblock them to write here");
        }
        if (!mine.open(peer) || !theirs.open(sender)) {
            throw unreachable();
        }
    }

    private CompletableFuture<UserId> peer(UserId sender, Membership direct) {
        for (UserId u : direct.members()) {
            if (!u.equals(sender)) {
                return CompletableFuture.completedFuture(u);
            }
        }
        UserId known = recipients.get(direct.conversationId());
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        return CompletableFuture.supplyAsync(() -> {
            UserId r = store.find(direct.conversationId()).map(MessageRequest::recipient).orElse(null);
            if (r != null) {
                if (recipients.size() > MAX_CACHED) {
                    recipients.clear();
                }
                recipients.put(direct.conversationId(), r);
            }
            return r;
        }, blocking);
    }

    /**
     * A text entry was committed into a direct conversation with one member: if it is the first of
     * a pending request, its recipient is told (a {@code request} event, which push turns into one
     * quiet notice). Called on the writer thread; the work runs elsewhere.
     */
    public void loneEntry(Message m) {
        if (m.kind() != MessageKind.TEXT) {
            return;
        }
        if (loneWaiting.get() >= MAX_LONE_WAITING) {
            log.warn("message request notice for conversation {} skipped: {} entries already waiting",
                    m.conversationId(), MAX_LONE_WAITING);
            return;
        }
        loneWaiting.incrementAndGet();
        lone.add(m);
        if (draining.compareAndSet(false, true)) {
            blocking.execute(this::drainLoneEntries);
        }
    }

    /**
     * One task at a time, in the order the writer committed: the first entry of a request is the
     * one that marks it notified, so the notice carries the request's first seq (a task per entry
     * let a later entry's task win the race).
     */
    private void drainLoneEntries() {
        while (true) {
            Message m;
            while ((m = lone.poll()) != null) {
                loneWaiting.decrementAndGet();
                Message entry = m;
                try {
                    store.markNotified(entry.conversationId()).ifPresent(r -> publisher.publish(
                            new ChatEvent.RequestReceived(r.conversationId(), r.requester(), entry.seq()),
                            Set.of(r.recipient())));
                } catch (RuntimeException e) {
                    log.warn("message request notice for conversation {} failed: {}", entry.conversationId(), e.toString());
                }
            }
            draining.set(false);
            if (lone.isEmpty() || !draining.compareAndSet(false, true)) {
                return;
            }
        }
    }

    static ChatException unreachable() {
        return new ChatException(Refusal.UNREACHABLE, "this person is not receiving your messages here");
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }
}
