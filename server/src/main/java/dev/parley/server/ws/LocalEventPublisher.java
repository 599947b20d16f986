package dev.parley.server.ws;

import dev.parley.core.account.UserId;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.delivery.EventPublisher;
import dev.parley.core.message.MessageKind;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.pull.PullWaiters;

import java.util.Collection;

/**
 * Routes events to the connections this node holds. Each event is encoded once; every
 * recipient connection gets the same bytes through its event loop's mailbox, one mailbox item
 * per loop and event.
 */
public final class LocalEventPublisher implements EventPublisher {
    private final LocalConnections connections;
    private final PresenceWatchers watchers;
    /** Long polls waiting on this node; null when none can wait here. */
    private final PullWaiters pulls;

    public LocalEventPublisher(LocalConnections connections, PresenceWatchers watchers) {
        this(connections, watchers, null);
    }

    public LocalEventPublisher(LocalConnections connections, PresenceWatchers watchers, PullWaiters pulls) {
        this.connections = connections;
        this.watchers = watchers;
        this.pulls = pulls;
    }

    @Override
    public void publish(ChatEvent event, Collection<UserId> audience) {
        Outbound out = encode(event);
        LoopRecipients recipients = new LoopRecipients();
        for (UserId user : audience) {
            connections.forEachOf(user, recipients);
        }
        recipients.post(out);
        if (pulls != null) {
            pulls.publish(event, audience);
        }
        if (event instanceof ChatEvent.MessageAdded m
                && (m.message().kind() == MessageKind.MEMBER_REMOVED || m.message().kind() == MessageKind.MEMBER_LEFT)) {
            UserId removed = m.message().userIds().getFirst();
            watchers.membershipEnded(removed, audience.stream().filter(u -> !u.equals(removed)).toList());
        }
    }

    static Outbound encode(ChatEvent event) {
        return switch (event) {
            case ChatEvent.MessageAdded m -> new Outbound.Entry(m.message().conversationId().value(), m.message().seq(),
                    m.message().senderDeviceId() == null ? 0 : m.message().senderDeviceId().value(),
                    m.message().clientId(), FrameCodec.encodeServer(WireFrames.message(m.message())), System.nanoTime());
            case ChatEvent.ReceiptMoved r -> new Outbound.Signal(r.conversationId().value(), FrameCodec.encodeServer(
                    new ServerFrame.Receipt(r.conversationId().value(), r.userId().value(), r.deliveredSeq(), r.readSeq())));
            case ChatEvent.TypingChanged t -> new Outbound.Signal(t.conversationId().value(), FrameCodec.encodeServer(
                    new ServerFrame.Typing(t.conversationId().value(), t.userId().value(), t.typing())));
            case ChatEvent.PresenceChanged p -> new Outbound.Signal(0, FrameCodec.encodeServer(
                    new ServerFrame.Presence(p.userId().value(), p.online(), p.lastSeen())));
            case ChatEvent.ProfileChanged p -> new Outbound.Signal(0, FrameCodec.encodeServer(new ServerFrame.Profile(
                    p.profile().userId().value(), p.profile().username(), p.profile().displayName(),
                    p.profile().status(), p.profile().avatar(), p.profile().deleted())));
            case ChatEvent.RequestReceived r -> new Outbound.Signal(r.conversationId().value(), FrameCodec.encodeServer(
                    new ServerFrame.Request(r.conversationId().value(), r.requester().value())));
        };
    }
}
