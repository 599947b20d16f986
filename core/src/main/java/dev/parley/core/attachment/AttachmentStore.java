package dev.parley.core.attachment;

import dev.parley.core.account.UserId;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The uploads' descriptions (the bytes are in a blob store, keyed by SHA-256), and which history
 * entries carry them. The link from an entry to its attachments is written by the message store
 * in the append's transaction; this port reads it. Every method blocks: call from virtual threads.
 */
public interface AttachmentStore {

    /** Stores a new upload with its thumbnail (a small JPEG, or null when it has none). */
    void save(Attachment attachment, byte[] thumbnail);

    Optional<Attachment> find(long id);

    /** An upload of {@code owner} with these bytes and this name, if there is one (a retried upload). */
    Optional<Attachment> findCopy(UserId owner, String sha256, String name);

    /** The bytes the user's uploads take, counted once per upload (for the quota). */
    long bytesOwnedBy(UserId owner);

    Optional<byte[]> thumbnail(long id);

    /** Up to {@code limit} history entries that carry the attachment. */
    List<AttachmentUse> uses(long attachmentId, int limit);

    /** Records that messages carrying these uploads committed at {@code now}. */
    void markSent(Collection<Long> ids, long now);

    /** Up to {@code limit} uploads created before {@code cutoff} that no committed message was recorded to carry. */
    List<Attachment> unsentBefore(long cutoff, int limit);

    /** Removes the upload's description and thumbnail. */
    void delete(long id);

    /** Whether any upload still names these bytes. */
    boolean bytesInUse(String sha256);
}
