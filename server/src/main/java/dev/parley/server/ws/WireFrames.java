package dev.parley.server.ws;

import dev.parley.core.account.UserId;
import dev.parley.core.message.Message;
import dev.parley.core.message.Quote;
import dev.parley.core.message.Reaction;
import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;

import java.util.List;

/** Maps domain values to wire frames. */
public final class WireFrames {
    private WireFrames() {
    }

    public static ServerFrame.Message message(Message m) {
        List<Long> ids = m.userIds() == null ? null : m.userIds().stream().map(UserId::value).toList();
        return new ServerFrame.Message(m.conversationId().value(), m.seq(), m.createdAt(), m.senderId().value(),
                m.senderDeviceId() == null ? 0 : m.senderDeviceId().value(), m.clientId(), m.kind().wire(), m.body(),
                m.title(), ids, m.role() == null ? null : m.role().wire(), m.replyTo(), quote(m.quote()), m.targetSeq(),
                reactions(m.reactions()), m.editedAt(), m.deletedAt(), m.deletedBy() == null ? 0 : m.deletedBy().value(),
                mentions(m), attachments(m));
    }

    // Most entries have no mentions and no attachments: no stream is built for those (a stream and
    // its spliterator per list were ~5% of what the node allocated per message, issue 19).

    private static List<ClientFrame.Mention> mentions(Message m) {
        if (m.mentions().isEmpty()) {
            return List.of();
        }
        return m.mentions().stream().map(x -> new ClientFrame.Mention(x.userId().value(), x.offset(), x.length()))
                .toList();
    }

    private static List<ServerFrame.Attachment> attachments(Message m) {
        if (m.attachments().isEmpty()) {
            return List.of();
        }
        return m.attachments().stream().map(a -> new ServerFrame.Attachment(a.id(), a.name(), a.contentType(), a.size(),
                a.sha256(), a.width(), a.height())).toList();
    }

    private static List<ServerFrame.Reaction> reactions(List<Reaction> reactions) {
        if (reactions.isEmpty()) {
            return List.of();
        }
        return reactions.stream().map(r -> new ServerFrame.Reaction(r.emoji(),
                r.users().stream().map(UserId::value).toList())).toList();
    }

    private static ServerFrame.Quote quote(Quote q) {
        return q == null ? null : new ServerFrame.Quote(q.seq(), q.senderId().value(), q.kind().wire(), q.excerpt(),
                q.deleted());
    }
}
