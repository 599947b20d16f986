package dev.parley.server.ws;

import dev.parley.core.account.Caller;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.conversation.UserConversation;
import dev.parley.core.message.Message;
import dev.parley.protocol.CloseCode;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.Blocking;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Brings a reconnecting device up to date from the positions it stated in {@code auth}.
 *
 * <p>The connection is registered for live delivery before this starts, and live entries are
 * buffered while it runs; each conversation's last seq is read after registration, so every entry
 * is either read here or arrives live, and the cursors drop the overlap. Per conversation the
 * device gets every entry after its position (or a {@code resync} when more than the configured
 * maximum is missing), then each member's receipt positions; then {@code synced}, then the
 * buffered live entries. Runs on a virtual thread and writes through the connection's loop,
 * waiting for the socket to drain between chunks so a large catch-up never floods memory. A
 * device that reads nothing for two heartbeat intervals meanwhile is closed as a slow consumer.
 */
final class CatchUp {
    private static final Logger log = LoggerFactory.getLogger(CatchUp.class);

    private final ChatConnection connection;
    private final SocketServices services;
    private final Map<Long, Long> positions;

    CatchUp(ChatConnection connection, SocketServices services, Map<Long, Long> positions) {
        this.connection = connection;
        this.services = services;
        this.positions = positions;
    }

    void start() {
        Blocking.executor().execute(this::run);
    }

    private void run() {
        Caller caller = connection.caller();
        try {
            int conversations = 0;
            long messages = 0;
            for (UserConversation uc : services.conversationStore().conversationsOf(caller.userId())) {
                long cid = uc.conversationId().value();
                long upTo = uc.visibleUpTo();
                long pos = positions.getOrDefault(cid, 0L);
                if (pos >= upTo) {
                    long at = pos;
                    onLoop(() -> position(cid, at));
                    continue;
                }
                conversations++;
                if (upTo - pos > services.config().limits().maxCatchUp()) {
                    onLoop(() -> {
                        connection.writePaced(FrameCodec.encodeServer(new ServerFrame.Resync(cid, upTo)));
                        position(cid, upTo);
                    });
                    continue;
                }
                while (pos < upTo) {
                    List<Message> chunk = services.messageStore().range(uc.conversationId(), pos, upTo,
                            ChatConnection.CATCH_UP_CHUNK);
                    if (chunk.isEmpty() || chunk.getFirst().seq() > pos + 1) {
                        // Retention deleted entries the device lacks: it cannot hold a gap-free
                        // copy any more, so it reloads what remains.
                        if (!chunk.isEmpty()) {
                            onLoop(() -> {
                                connection.writePaced(FrameCodec.encodeServer(new ServerFrame.Resync(cid, upTo)));
                                position(cid, upTo);
                            });
                        }
                        break;
                    }
                    List<byte[]> frames = new ArrayList<>(chunk.size());
                    for (Message m : chunk) {
                        frames.add(FrameCodec.encodeServer(WireFrames.message(m)));
                    }
                    long last = chunk.getLast().seq();
                    onLoop(() -> {
                        for (byte[] f : frames) {
                            connection.writePaced(f);
                            services.metrics().delivered(0);
                        }
                        position(cid, last);
                    });
                    messages += chunk.size();
                    pos = last;
                }
                if (uc.leftSeq() == 0) {
                    List<byte[]> receipts = receipts(uc.conversationId());
                    onLoop(() -> receipts.forEach(connection::writePaced));
                }
            }
            int c = conversations;
            long m = messages;
            onLoop(() -> {
                connection.writePaced(FrameCodec.encodeServer(new ServerFrame.Synced(c, m)));
                connection.goLive();
            });
        } catch (ClosedDuringCatchUp e) {
            log.debug("connection closed during catch-up conn={}", connection.id());
        } catch (RuntimeException e) {
            log.warn("catch-up failed conn={}: {}", connection.id(), e.toString());
            connection.closeFromAnyThread(CloseCode.INTERNAL_ERROR);
        }
    }

    private List<byte[]> receipts(ConversationId id) {
        List<byte[]> out = new ArrayList<>();
        // Members who blocked this user keep their positions to themselves.
        java.util.Set<dev.parley.core.account.UserId> hidden = services.blocks() == null ? java.util.Set.of()
                : services.blocks().reachNow(connection.caller().userId()).blockers();
        for (MemberState ms : services.conversationStore().members(id)) {
            if (hidden.contains(ms.userId())) {
                continue;
            }
            out.add(FrameCodec.encodeServer(new ServerFrame.Receipt(id.value(), ms.userId().value(), ms.deliveredSeq(),
                    ms.readSeq())));
        }
        return out;
    }

    private void position(long cid, long at) {
        if (services.tail() != null) {
            services.tail().touched(cid);
        }
        ConversationCursor cur = connection.cursors().get(cid);
        if (cur == null) {
            connection.cursors().put(cid, new ConversationCursor(at));
        } else if (at > cur.position) {
            cur.position = at;
        }
    }

    private void onLoop(Runnable work) {
        if (connection.isClosed()) {
            throw new ClosedDuringCatchUp();
        }
        try {
            connection.onLoopThenDrained(work).get(2 * services.config().timing().heartbeat().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            connection.postTask(() -> connection.closeSlowConsumer("nothing read during catch-up"));
            throw new ClosedDuringCatchUp();
        } catch (ExecutionException e) {
            throw new ClosedDuringCatchUp();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClosedDuringCatchUp();
        }
    }

    private static final class ClosedDuringCatchUp extends RuntimeException {
        ClosedDuringCatchUp() {
            super(null, null, false, false);
        }
    }
}
