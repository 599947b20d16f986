package dev.parley.server.ws;

import dev.parley.core.conversation.Conversation;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.Membership;
import dev.parley.core.conversation.MembershipDirectory;
import dev.parley.server.Blocking;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Recovers entries lost between nodes. A gap is noticed as soon as a later entry arrives, but an
 * entry lost at the end of a burst has no later entry to reveal it; so every few seconds this
 * reads the last seq of each conversation that was active on this node recently and lets every
 * local connection behind it fill the difference from the store. (After a lost link to Redis,
 * when more may be missing, {@link RecoveryCheck} checks every conversation of every connected
 * user instead.)
 */
public final class TailCheck {
    private static final Logger log = LoggerFactory.getLogger(TailCheck.class);
    private static final long ACTIVE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final ConcurrentHashMap<Long, Long> touched = new ConcurrentHashMap<>();
    private final ConversationStore conversations;
    private final MembershipDirectory memberships;
    private final LocalConnections connections;

    public TailCheck(ConversationStore conversations, MembershipDirectory memberships, LocalConnections connections) {
        this.conversations = conversations;
        this.memberships = memberships;
        this.connections = connections;
    }

    /** A connection here holds the conversation: an entry reached it, or it was caught up on it. */
    void touched(long conversationId) {
        touched.put(conversationId, System.nanoTime());
    }

    public long start(Vertx vertx, long everyMillis) {
        return vertx.setPeriodic(everyMillis, t -> Blocking.executor().execute(this::check));
    }

    private void check() {
        long now = System.nanoTime();
        List<Long> active = new ArrayList<>();
        touched.forEach((c, at) -> {
            if (now - at < ACTIVE_NANOS) {
                active.add(c);
            } else {
                touched.remove(c, at);
            }
        });
        for (long c : active) {
            try {
                ConversationId id = new ConversationId(c);
                Optional<Conversation> conv = conversations.find(id);
                if (conv.isEmpty()) {
                    continue;
                }
                long last = conv.get().lastSeq();
                Membership m = memberships.getNow(id);
                m.members().forEach(u -> connections.forEachOf(u, conn -> conn.postTask(() -> conn.tailCheck(c, last))));
            } catch (RuntimeException e) {
                log.debug("tail check of conversation {} failed: {}", c, e.toString());
            }
        }
    }
}
