package dev.parley.protocol;

import java.util.List;

/** A frame a node sends to a device. */
public sealed interface ServerFrame {

    /** The frame's wire {@code type}. */
    String type();

    /** Authentication succeeded; the limits tell the client what the node will accept. */
    record Ready(long userId, long deviceId, long heartbeatMs, int maxFrameBytes, int maxBodyBytes,
                 int sendsPerSecond) implements ServerFrame {
        public String type() { return "ready"; }
    }

    /**
     * The message (or action) with this client id is stored durably at {@code seq}; {@code seq} is
     * 0 for a reaction that was already as asked, when nothing was stored.
     */
    record Sent(String rid, String clientId, long conversationId, long seq, long ts) implements ServerFrame {
        public String type() { return "sent"; }
    }

    /**
     * One entry of a conversation's history: a text message ({@code kind = "text"}, with body) or
     * an event in the conversation's sequence (group created, members added or removed, renamed,
     * role changed) whose fields depend on the kind.
     */
    record Message(long conversationId, long seq, long ts, long senderId, long senderDeviceId,
                   String clientId, String kind, String body, String title, List<Long> userIds,
                   String role, long replyTo, Quote quote, long targetSeq, List<Reaction> reactions,
                   long editedAt, long deletedAt, long deletedBy, List<ClientFrame.Mention> mentions,
                   List<Attachment> attachments) implements ServerFrame {
        public Message {
            reactions = reactions == null ? List.of() : List.copyOf(reactions);
            mentions = mentions == null ? List.of() : List.copyOf(mentions);
            attachments = attachments == null ? List.of() : List.copyOf(attachments);
        }

        /** An entry without attachments. */
        public Message(long conversationId, long seq, long ts, long senderId, long senderDeviceId,
                       String clientId, String kind, String body, String title, List<Long> userIds,
                       String role, long replyTo, Quote quote, long targetSeq, List<Reaction> reactions,
                       long editedAt, long deletedAt, long deletedBy, List<ClientFrame.Mention> mentions) {
            this(conversationId, seq, ts, senderId, senderDeviceId, clientId, kind, body, title, userIds, role, replyTo,
                    quote, targetSeq, reactions, editedAt, deletedAt, deletedBy, mentions, List.of());
        }

        public Message(long conversationId, long seq, long ts, long senderId, long senderDeviceId, String clientId,
                       String kind, String body, String title, List<Long> userIds, String role) {
            this(conversationId, seq, ts, senderId, senderDeviceId, clientId, kind, body, title, userIds, role, 0, null,
                    0, List.of(), 0, 0, 0, List.of());
        }

        public String type() { return "message"; }

        public static Message text(long conversationId, long seq, long ts, long senderId, long senderDeviceId,
                                   String clientId, String body) {
            return new Message(conversationId, seq, ts, senderId, senderDeviceId, clientId, "text", body,
                    null, null, null);
        }
    }

    /**
     * What a reply shows of the entry it answers ({@code replyTo}), as that entry is now:
     * its sender, kind and the first characters of its text ({@code excerpt}, absent when none), and
     * whether it was deleted.
     */
    record Quote(long seq, long senderId, String kind, String excerpt, boolean deleted) {
        public Quote(long seq, long senderId, String kind, String excerpt) {
            this(seq, senderId, kind, excerpt, false);
        }
    }

    /** One emoji on a message and who put it there ({@code userIds}, in the order they reacted). */
    record Reaction(String emoji, List<Long> userIds) {
        public Reaction {
            userIds = List.copyOf(userIds);
        }
    }

    /**
     * A file a message carries: its id (the download is {@code /v1/attachments/{id}/content}), the
     * name its sender gave it, its type as the node sniffed it, its size and SHA-256, and for an
     * image its width and height (0 otherwise; a thumbnail is at {@code /v1/attachments/{id}/thumbnail}).
     */
    record Attachment(long id, String name, String contentType, long size, String sha256, int width, int height) {
    }

    /** A member's delivered and read positions in a conversation (both only move forward). */
    record Receipt(long conversationId, long userId, long delivered, long read) implements ServerFrame {
        public String type() { return "receipt"; }
    }

    /** A member started or stopped typing; stopped is implied after the expiry in the docs. */
    record Typing(long conversationId, long userId, boolean typing) implements ServerFrame {
        public String type() { return "typing"; }
    }

    /** A watched user's presence: online now, or offline since {@code lastSeen} (ms). */
    record Presence(long userId, boolean online, long lastSeen) implements ServerFrame {
        public String type() { return "presence"; }
    }

    /**
     * A user's public profile changed (or the account was deleted): sent live to the devices of
     * the users who share a conversation with them, and to the user's own devices. {@code avatar}
     * is the version of the current avatar (its URL is {@code /v1/users/{userId}/avatar/{avatar}}),
     * or null when there is none.
     */
    record Profile(long userId, String username, String displayName, String status, String avatar,
                   boolean deleted) implements ServerFrame {
        public String type() { return "profile"; }
    }

    /**
     * Someone who shares no conversation with this user wrote to them: a message request is
     * waiting in the requests folder (sent once per request, with its first message).
     */
    record Request(long conversationId, long userId) implements ServerFrame {
        public String type() { return "request"; }
    }

    /**
     * The device is too far behind in this conversation to be caught up incrementally: it must
     * drop its copy of the conversation and reload it (history is paged over REST).
     */
    record Resync(long conversationId, long latestSeq) implements ServerFrame {
        public String type() { return "resync"; }
    }

    /** The catch-up requested in {@code auth} is complete; what follows is live. */
    record Synced(int conversations, long messages) implements ServerFrame {
        public String type() { return "synced"; }
    }

    /** A request carrying a {@code rid} that has no other answer was carried out. */
    record Ok(String rid, String request) implements ServerFrame {
        public String type() { return "ok"; }
    }

    /** Answer to {@code ping}. */
    record Pong(String rid) implements ServerFrame {
        public String type() { return "pong"; }
    }

    /**
     * A request was refused. {@code request} is the refused frame's type when it could be read;
     * {@code rid}, {@code clientId} and {@code conversationId} are copied from it when present.
     */
    record Error(String code, String message, String request, String rid, String clientId,
                 long conversationId, long retryAfterMs) implements ServerFrame {
        public String type() { return "error"; }

        public ErrorCode errorCode() {
            return ErrorCode.fromWire(code);
        }
    }
}
