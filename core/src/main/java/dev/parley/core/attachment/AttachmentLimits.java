package dev.parley.core.attachment;

import java.time.Duration;

/**
 * What one user may make the node hold: the largest upload, all their uploads together, how many
 * attachments one message carries, and how long an upload may wait to be sent before it is removed.
 */
public record AttachmentLimits(long maxBytes, long quotaBytes, int perMessage, Duration unsentExpiry) {

    public static AttachmentLimits defaults() {
        return new AttachmentLimits(25L * 1024 * 1024, 1024L * 1024 * 1024, 10, Duration.ofHours(24));
    }
}
