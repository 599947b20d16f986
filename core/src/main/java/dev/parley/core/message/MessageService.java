package dev.parley.core.message;

import dev.parley.core.ChatException;
import dev.parley.core.ChatException.Refusal;
import dev.parley.core.Text;
import dev.parley.core.account.Caller;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.conversation.Membership;
import dev.parley.core.conversation.MembershipDirectory;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.delivery.EventPublisher;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/**
 * The send path: authorize, append durably, then publish to the members' devices.
 *
 * <p>The returned future completes with the stored message (or, for a retry, the original one)
 * once it is durable, on the store's writer thread. Publishing happens before completion, so a
 * sender's confirmation never overtakes the entry on its other devices' connections, and the
 * confirmation does not wait for delivery to anyone.
 */
public final class MessageService {
    private final MessageStore store;
    private final MembershipDirectory memberships;
    private final EventPublisher publisher;
    private final Clock clock;
    private final int maxBodyBytes;
    private volatile DirectGate directGate = DirectGate.OPEN;
    /** How long after sending a message its sender may edit it; zero: never. */
    private volatile java.time.Duration editWindow = DEFAULT_EDIT_WINDOW;
    private volatile java.util.function.Consumer<Message> loneDirectEntries = m -> { };
    private volatile dev.parley.core.attachment.AttachmentService attachments;
    private volatile java.util.concurrent.Executor blocking = Runnable::run;

    public MessageService(MessageStore store, MembershipDirectory memberships, EventPublisher publisher,
                          Clock clock, int maxBodyBytes) {
        this.store = store;
        this.memberships = memberships;
        this.publisher = publisher;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The edit window when none is configured. */
    public static final java.time.Duration DEFAULT_EDIT_WINDOW = java.time.Duration.ofMinutes(15);

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** How long after sending a message its sender may edit it; zero turns editing off. */
    public void editWindow(java.time.Duration window) {
        if (window.isNegative()) {
            throw new IllegalArgumentException("the edit window must not be negative");
        }
        this.editWindow = window;
    }

    /** Who decides whether a member may write into a direct conversation (blocks, deleted accounts). */
    public void directGate(DirectGate gate) {
        this.directGate = gate;
    }

    /**
     * Who hears of text entries committed in a direct conversation that has one member: a message
     * request, whose recipient is told of its first entry. Runs on the store's writer thread: must
     * not block.
     */
    public void onLoneDirectEntry(java.util.function.Consumer<Message> listener) {
        this.loneDirectEntries = listener;
    }

    /**
     * Who checks the attachments a message carries, and the executor its blocking reads run on.
     * Without it, a send that names attachments is refused.
     */
    public void attachments(dev.parley.core.attachment.AttachmentService service, java.util.concurrent.Executor executor) {
        this.attachments = service;
        this.blocking = executor;
    }

    /**
     * Sends a message carrying the caller's own uploads (ids), with optional text ({@code body}
     * may be empty when there is at least one attachment), answering {@code replyTo} (0: none) and
     * mentioning {@code mentions} as {@link #send(Caller, ConversationId, String, String, long, List)} does.
     */
    public CompletableFuture<Message> send(Caller caller, ConversationId conversationId, String clientId, String body,
                                           long replyTo, List<Mention> mentions, List<Long> attachmentIds) {
        if (attachmentIds == null || attachmentIds.isEmpty()) {
            return send(caller, conversationId, clientId, body, replyTo, mentions);
        }
        dev.parley.core.attachment.AttachmentService service = attachments;
        try {
            if (service == null) {
                throw ChatException.invalid("this node does not take attachments");
            }
            if (replyTo < 0) {
                throw ChatException.invalid("replyTo must be a seq");
            }
            if (!body.isEmpty()) {
                checkBody(body);
            }
        } catch (ChatException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.supplyAsync(() -> service.forSend(caller, attachmentIds), blocking)
                .thenCompose(carried -> append(caller, conversationId, (membership, version) ->
                        AppendRequest.textWithFiles(conversationId, caller.userId(), caller.deviceId(), clientId, body,
                                clock.millis(), version, replyTo,
                                mentions.isEmpty() ? mentions : Mentions.require(body, mentions, membership), carried))
                        .thenApply(entry -> {
                            Message m = entry.orElseThrow();
                            blocking.execute(() -> service.sent(carried));
                            return m;
                        }));
    }

    public CompletableFuture<Message> send(Caller caller, ConversationId conversationId, String clientId, String body) {
        return send(caller, conversationId, clientId, body, 0);
    }

    /**
     * Sends a text message answering the entry at {@code replyTo} (0: a plain message). The store
     * checks the target in the append's transaction.
     */
    public CompletableFuture<Message> send(Caller caller, ConversationId conversationId, String clientId, String body,
                                           long replyTo) {
        return send(caller, conversationId, clientId, body, replyTo, List.of());
    }

    /**
     * Sends a text message answering {@code replyTo} (0: none) and mentioning {@code mentions},
     * which must be current members of the conversation (as the membership cache knows them) and
     * ranges of the text ({@link Mentions}).
     */
    public CompletableFuture<Message> send(Caller caller, ConversationId conversationId, String clientId, String body,
                                           long replyTo, List<Mention> mentions) {
        try {
            if (replyTo < 0) {
                throw ChatException.invalid("replyTo must be a seq");
            }
            checkBody(body);
        } catch (ChatException e) {
            return CompletableFuture.failedFuture(e);
        }
        return append(caller, conversationId, (membership, version) -> AppendRequest.text(conversationId,
                caller.userId(), caller.deviceId(), clientId, body, clock.millis(), version, replyTo,
                mentions.isEmpty() ? mentions : Mentions.require(body, mentions, membership)))
                .thenApply(entry -> entry.orElseThrow());
    }

    /**
     * Puts {@code emoji} on the entry at {@code targetSeq} ({@code add}) or takes it off, as an
     * entry of the history. Completes with that entry, or empty when the reaction already was as
     * asked (nothing is stored then).
     */
    public CompletableFuture<Optional<Message>> react(Caller caller, ConversationId conversationId, String clientId,
                                                      long targetSeq, String emoji, boolean add) {
        try {
            if (targetSeq < 1) {
                throw ChatException.invalid("targetSeq must be a seq");
            }
            Reactions.requireEmoji(emoji);
        } catch (ChatException e) {
            return CompletableFuture.failedFuture(e);
        }
        return append(caller, conversationId, version -> AppendRequest.reaction(conversationId, caller.userId(),
                caller.deviceId(), clientId, targetSeq, emoji, add, clock.millis(), version));
    }

    /**
     * Deletes the message at {@code targetSeq} for everyone, as an entry of the history; the store
     * erases its text (and its edits' texts and its reactions) in the same transaction. Completes
     * with that entry, or empty when the message was already deleted (nothing is stored then).
     */
    public CompletableFuture<Optional<Message>> delete(Caller caller, ConversationId conversationId, String clientId,
                                                       long targetSeq) {
        if (targetSeq < 1) {
            return CompletableFuture.failedFuture(ChatException.invalid("targetSeq must be a seq"));
        }
        return append(caller, conversationId, version -> AppendRequest.deletion(conversationId, caller.userId(),
                caller.deviceId(), clientId, targetSeq, clock.millis(), version));
    }

    /**
     * Changes the text of the caller's own message at {@code targetSeq}, within the edit window,
     * as an entry of the history; the store replaces the message's text in the same transaction.
     */
    public CompletableFuture<Message> edit(Caller caller, ConversationId conversationId, String clientId,
                                           long targetSeq, String body) {
        java.time.Duration window = editWindow;
        try {
            if (targetSeq < 1) {
                throw ChatException.invalid("targetSeq must be a seq");
            }
            checkBody(body);
            if (window.isZero()) {
                throw new ChatException(Refusal.EDIT_WINDOW_CLOSED, "editing messages is turned off on this node");
            }
        } catch (ChatException e) {
            return CompletableFuture.failedFuture(e);
        }
        return append(caller, conversationId, version -> {
            long now = clock.millis();
            return AppendRequest.edit(conversationId, caller.userId(), caller.deviceId(), clientId, targetSeq, body,
                    now, version, now - window.toMillis());
        }).thenApply(entry -> entry.orElseThrow());
    }

    private CompletableFuture<Optional<Message>> append(Caller caller, ConversationId conversationId,
                                                        LongFunction<AppendRequest> request) {
        return append(caller, conversationId, (membership, version) -> request.apply(version));
    }

    /** The request, built from the membership the send was checked against (and its version). */
    private interface RequestFor {
        AppendRequest build(Membership membership, long version);
    }

    private CompletableFuture<Optional<Message>> append(Caller caller, ConversationId conversationId,
                                                        RequestFor request) {
        Membership cached = memberships.cachedMember(caller.userId(), conversationId);
        if (cached != null) {
            // The usual send: the membership is cached and the gate decides at once, so the steps
            // below run now, in the same order on the same thread, without the future, completion
            // and lambda each step of a chain costs (issue 19: a few % of a node's allocation).
            CompletableFuture<Void> gate;
            try {
                gate = cached.kind() == ConversationKind.DIRECT ? directGate.check(caller.userId(), cached) : null;
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e); // as a throw inside a stage did
            }
            if (gate == null || gate.isDone() && !gate.isCompletedExceptionally()) {
                return appendChecked(cached, request);
            }
            return gate.thenCompose(allowed -> appendChecked(cached, request));
        }
        return memberships.requireMember(caller.userId(), conversationId)
                .thenCompose(m -> (m.kind() == ConversationKind.DIRECT ? directGate.check(caller.userId(), m)
                        : CompletableFuture.<Void>completedFuture(null))
                        .thenCompose(allowed -> appendChecked(m, request)));
    }

    /** Appends once the sender was found a member ({@code m}) and allowed to write. */
    private CompletableFuture<Optional<Message>> appendChecked(Membership m, RequestFor request) {
        CompletableFuture<AppendResult> appended;
        try {
            appended = store.append(request.build(m, m.version()), committed -> published(committed, m));
        } catch (RuntimeException e) {
            // As when this ran inside a stage: a refusal while building the request (a mention
            // of a non-member) fails the send's future, it is not thrown at the caller.
            return CompletableFuture.failedFuture(e);
        }
        return appended.thenApply(result -> outcome(result, m));
    }

    /**
     * Runs on the store's writer thread right after the commit, so entries are published in seq
     * order and before the sender's confirmation.
     */
    private void published(AppendResult result, Membership checked) {
        if (result instanceof AppendResult.Appended a) {
            // The store returns a membership only when it changed since the version checked;
            // then the cache was behind and the fresh one is the audience.
            Membership audience = checked;
            if (a.membership() != null) {
                memberships.update(a.membership());
                audience = a.membership();
            }
            publish(a.message(), audience);
            if (audience.kind() == ConversationKind.DIRECT && audience.size() == 1) {
                loneDirectEntries.accept(a.message());
            }
        }
    }

    private Optional<Message> outcome(AppendResult result, Membership checked) {
        return switch (result) {
                    case AppendResult.Appended a -> Optional.of(a.message());
                    case AppendResult.Duplicate d -> Optional.of(d.original());
                    case AppendResult.Unchanged u -> Optional.empty();
                    case AppendResult.ClientIdConflict c -> throw new ChatException(Refusal.CLIENT_ID_CONFLICT,
                            "client id already used for a different message");
                    case AppendResult.NotMember n -> {
                        memberships.invalidate(checked.conversationId());
                        throw ChatException.notFound("conversation");
                    }
                    case AppendResult.Refused r -> throw new ChatException(r.refusal(), r.reason());
                };
    }

    /** Routes a stored entry to the members who may see it. */
    public void publish(Message message, Membership membership) {
        publisher.publish(new ChatEvent.MessageAdded(message), membership.members());
    }

    private void checkBody(String body) {
        if (body.isEmpty()) {
            throw ChatException.invalid("body must not be empty");
        }
        // A UTF-8 encoding takes at most 3 bytes per UTF-16 char; only count when it could matter.
        if (body.length() > maxBodyBytes / 3 && body.getBytes(StandardCharsets.UTF_8).length > maxBodyBytes) {
            throw new ChatException(Refusal.TOO_LARGE, "body is larger than " + maxBodyBytes + " bytes");
        }
        Text.require(body, "body");
    }
}
