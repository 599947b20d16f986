package dev.parley.core.attachment;

import dev.parley.core.ChatException;
import dev.parley.core.ChatException.Refusal;
import dev.parley.core.account.Caller;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.MemberState;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of attachments: size and quota on upload, a retried upload answered with the first one,
 * only the uploader attaching their own uploads (and only before they expire), and who may fetch
 * one: the uploader, and the members who can see a history entry that carries it. Anyone else is
 * told "not found", so ids cannot be probed. Blocking: call from virtual threads.
 */
public final class AttachmentService {
    /** How many entries carrying one attachment are looked at to decide whether the caller sees one. */
    static final int USES_CHECKED = 100;
    /**
     * How long past its expiry an unsent upload is kept, at most (and at most the expiry itself): a
     * send that checked the upload just before the expiry has committed long before the sweeper
     * may remove it.
     */
    static final long SWEEP_GRACE_MS = 60 * 60 * 1000L;

    private final AttachmentStore store;
    private final ConversationStore conversations;
    private final Clock clock;
    private final AttachmentLimits limits;

    public AttachmentService(AttachmentStore store, ConversationStore conversations, Clock clock,
                             AttachmentLimits limits) {
        this.store = store;
        this.conversations = conversations;
        this.clock = clock;
        this.limits = limits;
    }

    public AttachmentLimits limits() {
        return limits;
    }

    /** Refuses an upload of {@code size} bytes that is over the size limit or the owner's quota. */
    public void admit(UserId owner, long size) {
        if (size > limits.maxBytes()) {
            throw new ChatException(Refusal.TOO_LARGE, "an upload is at most " + limits.maxBytes() + " bytes");
        }
        long used = store.bytesOwnedBy(owner);
        if (used + size > limits.quotaBytes()) {
            throw new ChatException(Refusal.TOO_LARGE, "over the upload quota: " + used + " of "
                    + limits.quotaBytes() + " bytes are in use");
        }
    }

    /** The caller's earlier upload of the same bytes under the same name, if any (a retry). */
    public Optional<Attachment> copyOf(UserId owner, String sha256, String name) {
        return store.findCopy(owner, sha256, name);
    }

    /** Stores a new upload after checking the quota again with its final size. */
    public Attachment save(Attachment attachment, byte[] thumbnail) {
        admit(attachment.owner(), attachment.size());
        store.save(attachment, thumbnail);
        return attachment;
    }

    /**
     * The attachments a message of the caller's will carry, in the order given (repeats dropped):
     * each must be the caller's own upload, not yet expired.
     */
    public List<Attachment> forSend(Caller caller, List<Long> ids) {
        Set<Long> unique = new LinkedHashSet<>(ids);
        if (unique.size() > limits.perMessage()) {
            throw new ChatException(Refusal.TOO_LARGE, "a message carries at most " + limits.perMessage()
                    + " attachments");
        }
        long oldest = clock.millis() - limits.unsentExpiry().toMillis();
        List<Attachment> out = new ArrayList<>(unique.size());
        for (long id : unique) {
            Attachment a = store.find(id).orElse(null);
            if (a == null || !a.owner().equals(caller.userId()) || a.createdAt() < oldest) {
                throw ChatException.notFound("attachment " + id);
            }
            out.add(a);
        }
        return out;
    }

    /** Records that a committed message carries these uploads, so they are not swept. */
    public void sent(List<Attachment> attachments) {
        if (!attachments.isEmpty()) {
            store.markSent(attachments.stream().map(Attachment::id).toList(), clock.millis());
        }
    }

    /** The attachment, if the caller may fetch it; "not found" otherwise. */
    public Attachment readable(Caller caller, long id) {
        Attachment a = store.find(id).orElseThrow(() -> ChatException.notFound("attachment"));
        if (a.owner().equals(caller.userId())) {
            return a;
        }
        for (AttachmentUse use : store.uses(id, USES_CHECKED)) {
            Optional<MemberState> member = conversations.member(use.conversationId(), caller.userId());
            if (member.isPresent() && use.seq() <= member.get().visibleUpTo() && sharedWhileMember(use, member.get())) {
                return a;
            }
        }
        throw ChatException.notFound("attachment");
    }

    /**
     * In a group, files are shared with the members of the moment: someone added later reads the
     * history's text but does not fetch what was shared before they joined (search keeps the same
     * window). A direct conversation has no later members: both fetch everything in it.
     */
    private boolean sharedWhileMember(AttachmentUse use, MemberState member) {
        if (use.seq() >= member.joinedSeq()) {
            return true;
        }
        return conversations.find(use.conversationId()).map(c -> c.kind() == ConversationKind.DIRECT).orElse(false);
    }

    public Optional<byte[]> thumbnail(Attachment a) {
        return a.image() ? store.thumbnail(a.id()) : Optional.empty();
    }

    /**
     * Removes up to {@code limit} uploads that expired unsent, and answers the SHA-256 of each whose
     * bytes no upload names any more (the caller removes those bytes). An upload that a message
     * carries after all (its send committed but the node stopped before recording it) is kept.
     */
    public List<String> sweep(int limit) {
        long expiry = limits.unsentExpiry().toMillis();
        long cutoff = clock.millis() - expiry - Math.min(SWEEP_GRACE_MS, expiry);
        List<String> unused = new ArrayList<>();
        for (Attachment a : store.unsentBefore(cutoff, limit)) {
            if (!store.uses(a.id(), 1).isEmpty()) {
                store.markSent(List.of(a.id()), clock.millis());
                continue;
            }
            store.delete(a.id());
            if (!store.bytesInUse(a.sha256())) {
                unused.add(a.sha256());
            }
        }
        return unused;
    }

    /** Whether any upload still names these bytes. */
    public boolean bytesInUse(String sha256) {
        return store.bytesInUse(sha256);
    }
}
