package dev.parley.core.attachment;

import dev.parley.core.account.UserId;

/**
 * An uploaded file as the node describes it: its type as sniffed from the content (never the
 * client's word), its size and SHA-256 (lower-case hex, also the key of its bytes in the blob
 * store), the name the uploader gave it, and for an image its width and height in pixels (0 for
 * anything else). It never changes once stored.
 */
public record Attachment(long id, UserId owner, String sha256, long size, String contentType, String name, int width,
                         int height, long createdAt) {

    /** Whether the node read the file as an image (it then has dimensions and a thumbnail). */
    public boolean image() {
        return width > 0 && height > 0;
    }
}
