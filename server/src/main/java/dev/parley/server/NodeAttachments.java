package dev.parley.server;

import dev.parley.core.IdGenerator;
import dev.parley.core.attachment.AttachmentLimits;
import dev.parley.core.attachment.AttachmentService;
import dev.parley.core.message.MessageService;
import dev.parley.server.attachment.AttachmentIntake;
import dev.parley.server.attachment.BlobStore;
import dev.parley.server.attachment.DirectoryBlobStore;
import dev.parley.server.attachment.S3BlobStore;
import dev.parley.store.JdbcAttachmentStore;
import dev.parley.store.JdbcStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The attachments side of a node, wired from the {@code attachments} section: the bytes in a
 * directory (by default {@code attachments} under the data directory) or in an S3-compatible
 * object store ({@code attachments.store: s3}, checked every 15 seconds for {@code /health/ready}
 * while the node runs), their descriptions in the
 * database, the check of what a message carries on the send path, and the sweeper that removes
 * uploads never sent: at start-up and then every tenth of {@code attachments.unsentExpiry} (at
 * least every second, at most hourly).
 */
final class NodeAttachments {
    private static final Logger log = LoggerFactory.getLogger(NodeAttachments.class);

    private NodeAttachments() {
    }

    /**
     * Where the bytes live, or null when attachments are turned off. Opened before anything else
     * of the node, so a store that cannot be used refuses the start ({@link dev.parley.server.StartRefused})
     * with nothing to undo.
     */
    static BlobStore openBlobs(ServerConfig config) throws IOException {
        ServerConfig.Attachments a = config.attachments();
        if (!a.enabled()) {
            return null;
        }
        Path local = a.directory(config.dataDir());
        String node = "node-" + config.nodeNumber();
        return a.objectStore() == null ? DirectoryBlobStore.open(local, node) : S3BlobStore.open(a.objectStore(), local, node);
    }

    /** The intake on {@code blobs}, or null when attachments are turned off ({@code blobs} null). */
    static AttachmentIntake wire(ServerConfig config, BlobStore blobs, JdbcStores db, MessageService messages,
                                 IdGenerator ids, ScheduledExecutorService timers, Clock clock) {
        ServerConfig.Attachments a = config.attachments();
        if (blobs == null) {
            return null;
        }
        AttachmentService service = new AttachmentService(new JdbcAttachmentStore(db.shards()), db.conversations(), clock,
                new AttachmentLimits(a.maxBytes(), a.quotaBytes(), a.perMessage(), a.unsentExpiry()));
        AttachmentIntake intake = new AttachmentIntake(service, blobs, a.allowedTypes(), ids, clock);
        if (blobs instanceof S3BlobStore s3) {
            timers.scheduleWithFixedDelay(() -> Thread.ofVirtual().name("parley-attachment-store-check").start(s3::check),
                    15, 15, TimeUnit.SECONDS);
        }
        messages.attachments(service, Blocking.executor());
        Duration expiry = a.unsentExpiry();
        long every = Math.max(1_000, Math.min(TimeUnit.HOURS.toMillis(1), expiry.toMillis() / 10));
        timers.scheduleWithFixedDelay(() -> Thread.ofVirtual().name("parley-attachment-sweep").start(() -> {
            try {
                int removed = intake.sweep();
                if (removed > 0) {
                    log.info("removed the bytes of {} uploads that expired unsent", removed);
                }
            } catch (RuntimeException e) {
                log.warn("attachment sweep failed: {}", e.toString());
            }
        }), 0, every, TimeUnit.MILLISECONDS);
        return intake;
    }
}
