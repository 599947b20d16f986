package dev.parley.server.ws;

import dev.parley.core.account.UserId;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.delivery.EventPublisher;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.ServerFrame;

import java.util.Collection;

/**
 * Routes events to the connections this node holds. Each event is encoded once; every
 * recipient connection gets the same bytes through its event loop's mailbox.
 */
public final class LocalEventPublisher implements EventPublisher {
    private final LocalConnections connections;

    public LocalEventPublisher(LocalConnections connections) {
        this.connections = connections;
    }

    @Override
    public void publish(ChatEvent event, Collection<UserId> audience) {
        Outbound out = encode(event);
        for (UserId user : audience) {
            connections.forEachOf(user, c -> c.post(out));
        }
    }

    static Outbound encode(ChatEvent event) {
        return switch (event) {
            case ChatEvent.MessageAdded m -> new Outbound.Entry(m.message().conversationId().value(), m.message().seq(),
                    m.message().senderDeviceId() == null ? 0 : m.message().senderDeviceId().value(),
                    m.message().clientId(), FrameCodec.encodeServer(WireFrames.message(m.message())));
            case ChatEvent.ReceiptMoved r -> new Outbound.Signal(r.conversationId().value(), FrameCodec.encodeServer(
                    new ServerFrame.Receipt(r.conversationId().value(), r.userId().value(), r.deliveredSeq(), r.readSeq())));
            case ChatEvent.TypingChanged t -> new Outbound.Signal(t.conversationId().value(), FrameCodec.encodeServer(
                    new ServerFrame.Typing(t.conversationId().value(), t.userId().value(), t.typing())));
            case ChatEvent.PresenceChanged p -> new Outbound.Signal(0, FrameCodec.encodeServer(
                    new ServerFrame.Presence(p.userId().value(), p.online(), p.lastSeen())));
        };
    }
}
