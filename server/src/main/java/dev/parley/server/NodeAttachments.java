package dev.parley.server;

import dev.parley.core.IdGenerator;
import dev.parley.core.attachment.AttachmentLimits;
import dev.parley.core.attachment.AttachmentService;
import dev.parley.core.message.MessageService;
import dev.parley.server.attachment.AttachmentIntake;
import dev.parley.server.attachment.DirectoryBlobStore;
import dev.parley.store.JdbcAttachmentStore;
import dev.parley.store.JdbcStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The attachments side of a node, wired from the {@code attachments} section: the bytes in a
 * directory (by default {@code attachments} under the data directory), their descriptions in the
 * database, the check of what a message carries on the send path, and the sweeper that removes
 * uploads never sent: at start-up and then every tenth of {@code attachments.unsentExpiry} (at
 * least every second, at most hourly).
 */
final class NodeAttachments {
    private static final Logger log = LoggerFactory.getLogger(NodeAttachments.class);

    private NodeAttachments() {
    }

    /** The intake, or null when attachments are turned off. */
    static AttachmentIntake wire(ServerConfig config, JdbcStores db, MessageService messages, IdGenerator ids,
                                 ScheduledExecutorService timers, Clock clock) throws IOException {
        ServerConfig.Attachments a = config.attachments();
        if (!a.enabled()) {
            return null;
        }
        AttachmentService service = new AttachmentService(new JdbcAttachmentStore(db.shards()), db.conversations(), clock,
                new AttachmentLimits(a.maxBytes(), a.quotaBytes(), a.perMessage(), a.unsentExpiry()));
        AttachmentIntake intake = new AttachmentIntake(service,
                DirectoryBlobStore.open(a.directory(config.dataDir()), "node-" + config.nodeNumber()), a.allowedTypes(),
                ids, clock);
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
