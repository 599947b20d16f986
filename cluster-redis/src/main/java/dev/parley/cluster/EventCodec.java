package dev.parley.cluster;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.attachment.Attachment;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.Role;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.core.message.Quote;
import dev.parley.core.message.Reaction;
import dev.parley.core.profile.Profile;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** A compact binary form of {@link ChatEvent}s for the hop between nodes. */
final class EventCodec {
    private static final byte MESSAGE = 1;
    private static final byte RECEIPT = 2;
    private static final byte TYPING = 3;
    private static final byte PRESENCE = 4;
    private static final byte PROFILE = 5;
    private static final byte REQUEST = 6;

    private EventCodec() {
    }

    static byte[] encode(ChatEvent event) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            switch (event) {
                case ChatEvent.MessageAdded a -> {
                    Message m = a.message();
                    out.writeByte(MESSAGE);
                    out.writeLong(m.conversationId().value());
                    out.writeLong(m.seq());
                    out.writeLong(m.createdAt());
                    out.writeLong(m.senderId().value());
                    out.writeLong(m.senderDeviceId() == null ? 0 : m.senderDeviceId().value());
                    string(out, m.clientId());
                    out.writeByte(m.kind().ordinal());
                    string(out, m.body());
                    string(out, m.title());
                    if (m.userIds() == null) {
                        out.writeInt(-1);
                    } else {
                        out.writeInt(m.userIds().size());
                        for (UserId u : m.userIds()) {
                            out.writeLong(u.value());
                        }
                    }
                    out.writeByte(m.role() == null ? -1 : m.role().ordinal());
                    // Added after the first release: a node reading an event without them (from an
                    // older node during a rolling upgrade) finds the stream ended here.
                    out.writeLong(m.replyTo());
                    Quote q = m.quote();
                    out.writeBoolean(q != null);
                    if (q != null) {
                        out.writeLong(q.seq());
                        out.writeLong(q.senderId().value());
                        out.writeByte(q.kind().ordinal());
                        string(out, q.excerpt());
                    }
                    out.writeLong(m.targetSeq());
                    out.writeInt(m.reactions().size());
                    for (Reaction r : m.reactions()) {
                        string(out, r.emoji());
                        out.writeInt(r.users().size());
                        for (UserId u : r.users()) {
                            out.writeLong(u.value());
                        }
                    }
                    out.writeLong(m.editedAt());
                    out.writeLong(m.deletedAt());
                    out.writeLong(m.deletedBy() == null ? 0 : m.deletedBy().value());
                    out.writeBoolean(q != null && q.deleted());
                    out.writeInt(m.mentions().size());
                    for (dev.parley.core.message.Mention x : m.mentions()) {
                        out.writeLong(x.userId().value());
                        out.writeInt(x.offset());
                        out.writeInt(x.length());
                    }
                    attachments(out, m.attachments());
                }
                case ChatEvent.ReceiptMoved r -> {
                    out.writeByte(RECEIPT);
                    out.writeLong(r.conversationId().value());
                    out.writeLong(r.userId().value());
                    out.writeLong(r.deliveredSeq());
                    out.writeLong(r.readSeq());
                }
                case ChatEvent.TypingChanged t -> {
                    out.writeByte(TYPING);
                    out.writeLong(t.conversationId().value());
                    out.writeLong(t.userId().value());
                    out.writeBoolean(t.typing());
                }
                case ChatEvent.PresenceChanged p -> {
                    out.writeByte(PRESENCE);
                    out.writeLong(p.userId().value());
                    out.writeBoolean(p.online());
                    out.writeLong(p.lastSeen());
                }
                case ChatEvent.ProfileChanged p -> {
                    Profile profile = p.profile();
                    out.writeByte(PROFILE);
                    out.writeLong(profile.userId().value());
                    string(out, profile.username());
                    string(out, profile.displayName());
                    string(out, profile.status());
                    string(out, profile.avatar());
                    out.writeBoolean(profile.deleted());
                }
                case ChatEvent.RequestReceived r -> {
                    out.writeByte(REQUEST);
                    out.writeLong(r.conversationId().value());
                    out.writeLong(r.requester().value());
                    out.writeLong(r.seq());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static ChatEvent decode(byte[] bytes, int offset, int length) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, offset, length))) {
            byte tag = in.readByte();
            return switch (tag) {
                case MESSAGE -> {
                    ConversationId c = new ConversationId(in.readLong());
                    long seq = in.readLong();
                    long createdAt = in.readLong();
                    UserId sender = new UserId(in.readLong());
                    long device = in.readLong();
                    String clientId = string(in);
                    MessageKind kind = MessageKind.values()[in.readByte()];
                    String body = string(in);
                    String title = string(in);
                    int n = in.readInt();
                    List<UserId> ids = null;
                    if (n >= 0) {
                        ids = new ArrayList<>(n);
                        for (int i = 0; i < n; i++) {
                            ids.add(new UserId(in.readLong()));
                        }
                    }
                    byte role = in.readByte();
                    long replyTo = 0;
                    Quote quote = null;
                    long targetSeq = 0;
                    List<Reaction> reactions = List.of();
                    long editedAt = 0;
                    List<dev.parley.core.message.Mention> mentions = new ArrayList<>();
                    long deletedAt = 0;
                    UserId deletedBy = null;
                    if (in.available() > 0) {
                        replyTo = in.readLong();
                        if (in.readBoolean()) {
                            quote = new Quote(in.readLong(), new UserId(in.readLong()),
                                    MessageKind.values()[in.readByte()], string(in));
                        }
                        targetSeq = in.readLong();
                        int count = in.readInt();
                        reactions = new ArrayList<>(count);
                        for (int i = 0; i < count; i++) {
                            String emoji = string(in);
                            int users = in.readInt();
                            List<UserId> who = new ArrayList<>(users);
                            for (int j = 0; j < users; j++) {
                                who.add(new UserId(in.readLong()));
                            }
                            reactions.add(new Reaction(emoji, who));
                        }
                        editedAt = in.readLong();
                        deletedAt = in.readLong();
                        long by = in.readLong();
                        deletedBy = by == 0 ? null : new UserId(by);
                        if (in.readBoolean()) {
                            quote = new Quote(quote.seq(), quote.senderId(), quote.kind(), quote.excerpt(), true);
                        }
                        int count2 = in.readInt();
                        for (int i = 0; i < count2; i++) {
                            mentions.add(new dev.parley.core.message.Mention(new UserId(in.readLong()), in.readInt(),
                                    in.readInt()));
                        }
                    }
                    yield new ChatEvent.MessageAdded(new Message(c, seq, createdAt, sender,
                            device == 0 ? null : new DeviceId(device), clientId, kind, body, title, ids,
                            role < 0 ? null : Role.values()[role], replyTo, quote, targetSeq, reactions, editedAt, deletedAt,
                            deletedBy, mentions, attachments(in)));
                }
                case RECEIPT -> new ChatEvent.ReceiptMoved(new ConversationId(in.readLong()), new UserId(in.readLong()),
                        in.readLong(), in.readLong());
                case TYPING -> new ChatEvent.TypingChanged(new ConversationId(in.readLong()), new UserId(in.readLong()),
                        in.readBoolean());
                case PRESENCE -> new ChatEvent.PresenceChanged(new UserId(in.readLong()), in.readBoolean(), in.readLong());
                case PROFILE -> new ChatEvent.ProfileChanged(new Profile(new UserId(in.readLong()), string(in), string(in),
                        string(in), string(in), in.readBoolean()));
                case REQUEST -> new ChatEvent.RequestReceived(new ConversationId(in.readLong()), new UserId(in.readLong()),
                        in.readLong());
                default -> throw new IllegalArgumentException("unknown event tag " + tag);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A message's attachments, after its other fields (absent in what a node without them sent). */
    private static void attachments(DataOutputStream out, List<Attachment> attachments) throws IOException {
        if (attachments.isEmpty()) {
            return;
        }
        out.writeInt(attachments.size());
        for (Attachment a : attachments) {
            out.writeLong(a.id());
            out.writeLong(a.owner().value());
            string(out, a.sha256());
            out.writeLong(a.size());
            string(out, a.contentType());
            string(out, a.name());
            out.writeInt(a.width());
            out.writeInt(a.height());
            out.writeLong(a.createdAt());
        }
    }

    private static List<Attachment> attachments(DataInputStream in) throws IOException {
        if (in.available() == 0) {
            return List.of();
        }
        int n = in.readInt();
        List<Attachment> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Attachment(in.readLong(), new UserId(in.readLong()), string(in), in.readLong(), string(in),
                    string(in), in.readInt(), in.readInt(), in.readLong()));
        }
        return out;
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeBoolean(false);
        } else {
            out.writeBoolean(true);
            byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }
    }

    private static String string(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}
