package dev.parley.server.ws;

import dev.parley.core.conversation.ConversationId;
import dev.parley.core.sync.Backlog;
import dev.parley.core.sync.CatchUpReader;
import dev.parley.protocol.CloseCode;
import dev.parley.server.Blocking;
import io.vertx.core.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * A connection's gap reads: through the core's {@link CatchUpReader} on a virtual thread, the
 * answer back on the connection's loop; a failed read closes the connection (1011), since its
 * device could no longer be given a gap-free stream. A gap past the catch-up limit is answered at
 * once, without leaving the loop.
 *
 * <p>Threading: called on the connection's loop; only the store read runs on a virtual thread.
 */
final class StoreGaps implements OrderedDelivery.GapReads {
    private static final Logger log = LoggerFactory.getLogger(StoreGaps.class);

    private final ChatConnection connection;
    private final SocketServices services;
    private final Context context;

    StoreGaps(ChatConnection connection, SocketServices services, Context context) {
        this.connection = connection;
        this.services = services;
        this.context = context;
    }

    @Override
    public void read(long conversationId, long after, long upTo, Consumer<Backlog> then) {
        CatchUpReader reader = services.chat().catchUp();
        if (reader.beyondLimit(after, upTo)) {
            then.accept(new Backlog.Resync(upTo));
            return;
        }
        ConversationId cid = new ConversationId(conversationId);
        Blocking.run(context, () -> reader.gap(cid, after, upTo)).onComplete(ar -> {
            if (connection.isClosed()) {
                return;
            }
            if (ar.failed()) {
                log.warn("gap fill failed conn={} conversation={}: {}", connection.id(), conversationId,
                        ar.cause().toString());
                connection.close(CloseCode.INTERNAL_ERROR);
                return;
            }
            then.accept(ar.result());
        });
    }

    @Override
    public void later(long millis, Runnable task) {
        services.vertx().setTimer(millis, t -> task.run());
    }
}
