package dev.parley.core.message;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The conversations' histories, keyed by (conversation, seq).
 *
 * <p>{@link #append} assigns the conversation's next seq atomically with the insert, so seqs are
 * dense (1, 2, 3 ...) and unique even when several nodes append to one conversation. Appends that
 * arrive together share one commit. The returned future completes only once the entry is durable
 * at the configured durability, on the store's writer thread, in commit order: callbacks must
 * not block. Reads block; call them from virtual threads.
 */
public interface MessageStore {

    default CompletableFuture<AppendResult> append(AppendRequest request) {
        return append(request, r -> { });
    }

    /**
     * Appends, and runs {@code onCommit} with the outcome on the store's writer thread right after
     * the commit, before this append's future and any later append's future complete. Appends to
     * one conversation commit in seq order, so hooks that publish entries publish them in seq
     * order. The hook must not block.
     */
    CompletableFuture<AppendResult> append(AppendRequest request, Consumer<? super AppendResult> onCommit);

    /**
     * Creates a group whose history starts with a {@link MessageKind#CREATED} entry at seq 1,
     * the owner holding {@link dev.parley.core.conversation.Role#OWNER} and the others
     * {@link dev.parley.core.conversation.Role#MEMBER}. The users must exist.
     */
    CompletableFuture<AppendResult.Appended> createGroup(ConversationId id, UserId owner, DeviceId ownerDevice,
                                                        String title, List<UserId> members, long now,
                                                        Consumer<? super AppendResult.Appended> onCommit);

    default CompletableFuture<AppendResult.Appended> createGroup(ConversationId id, UserId owner, DeviceId ownerDevice,
                                                                String title, List<UserId> members, long now) {
        return createGroup(id, owner, ownerDevice, title, members, now, a -> { });
    }

    /**
     * Deletes every entry older than {@code cutoffMillis}, oldest first within each conversation, so
     * what remains of a history is always a contiguous run up to its last seq. Seqs are never
     * reused. Returns how many entries were deleted. Blocking.
     */
    long deleteOlderThan(long cutoffMillis);

    /** Entries with {@code afterSeq < seq <= upToSeq}, ascending, at most {@code limit}. */
    List<Message> range(ConversationId id, long afterSeq, long upToSeq, int limit);

    /**
     * How many text entries with {@code afterSeq < seq <= upToSeq} were sent by someone other than
     * {@code reader}, counting at most {@code cap}.
     */
    int countUnread(ConversationId id, UserId reader, long afterSeq, long upToSeq, int cap);

    /**
     * Whether an entry with {@code afterSeq < seq <= upToSeq} mentions {@code user} (a message
     * deleted or edited since no longer does). Blocking.
     */
    boolean mentions(ConversationId id, UserId user, long afterSeq, long upToSeq);

    /** The {@code limit} newest entries with {@code seq < beforeSeq} and {@code seq <= upToSeq}, ascending. */
    List<Message> before(ConversationId id, long beforeSeq, long upToSeq, int limit);

    /**
     * Erases the text of every message {@code sender} wrote in the conversation, and of every edit
     * they made (the entries stay, at their seqs, with no body), for a deleted account under the
     * erase policy. Returns how many were erased. Blocking.
     */
    long eraseText(ConversationId conversation, UserId sender);
}
