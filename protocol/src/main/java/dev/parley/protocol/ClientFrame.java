package dev.parley.protocol;

import java.util.List;
import java.util.Map;

/**
 * A frame a device sends to a node. Every frame may carry a {@code rid} (request id, at most 64
 * characters) that the node echoes in the answer to it, including an {@code error}.
 */
public sealed interface ClientFrame {

    /** The request id the client chose, or null. */
    String rid();

    /** The frame's wire {@code type}. */
    String type();

    /**
     * Authenticates the connection; must be the first frame. With {@code positions} (conversation
     * id to the last seq the device holds, possibly empty) the node first sends what the device
     * missed and then {@code synced}; without it the connection only receives live events.
     */
    record Auth(String rid, String token, Map<Long, Long> positions) implements ClientFrame {
        public String type() { return "auth"; }
    }

    /**
     * Sends a text message; {@code clientId} makes retries idempotent. {@code replyTo} is the seq
     * of the entry it answers, 0 for none; {@code mentions} the members it mentions, with where.
     * {@code attachments} are ids of the sender's own uploads (never null; empty for none); with
     * at least one, {@code body} may be empty.
     */
    record Send(String rid, String clientId, long conversationId, String body, long replyTo,
                List<Mention> mentions, List<Long> attachments) implements ClientFrame {
        public Send {
            mentions = mentions == null ? List.of() : List.copyOf(mentions);
            attachments = attachments == null ? List.of() : List.copyOf(attachments);
        }

        /** Without attachments. */
        public Send(String rid, String clientId, long conversationId, String body, long replyTo,
                    List<Mention> mentions) {
            this(rid, clientId, conversationId, body, replyTo, mentions, List.of());
        }

        /** A message carrying attachments, answering and mentioning nothing. */
        public static Send withFiles(String rid, String clientId, long conversationId, String body,
                                     List<Long> attachments) {
            return new Send(rid, clientId, conversationId, body, 0, List.of(), attachments);
        }

        public Send(String rid, String clientId, long conversationId, String body, long replyTo) {
            this(rid, clientId, conversationId, body, replyTo, List.of());
        }

        public Send(String rid, String clientId, long conversationId, String body) {
            this(rid, clientId, conversationId, body, 0);
        }

        public String type() { return "send"; }
    }

    /**
     * Puts {@code emoji} on the message at {@code targetSeq}, or takes it off ({@code remove}).
     * Stored as an entry of the history like a message; {@code clientId} makes retries idempotent.
     */
    record React(String rid, String clientId, long conversationId, long targetSeq, String emoji, boolean remove)
            implements ClientFrame {
        public String type() { return "react"; }
    }

    /**
     * Changes the text of the sender's own message at {@code targetSeq} to {@code body}, within the
     * node's edit window. Stored as an entry of the history; {@code clientId} makes retries idempotent.
     */
    record Edit(String rid, String clientId, long conversationId, long targetSeq, String body) implements ClientFrame {
        public String type() { return "edit"; }
    }

    /**
     * Deletes the message at {@code targetSeq} for everyone: the sender's own, or any message of a
     * group whose owner or admin the sender is. Stored as an entry of the history.
     */
    record Delete(String rid, String clientId, long conversationId, long targetSeq) implements ClientFrame {
        public String type() { return "delete"; }
    }

    /** Confirms that this device holds every message of the conversation up to {@code seq}. */
    record Delivered(String rid, long conversationId, long seq) implements ClientFrame {
        public String type() { return "delivered"; }
    }

    /** Marks the conversation read up to {@code seq} for this user. */
    record Read(String rid, long conversationId, long seq) implements ClientFrame {
        public String type() { return "read"; }
    }

    /** Says the user started ({@code true}) or stopped typing in the conversation. */
    record Typing(String rid, long conversationId, boolean typing) implements ClientFrame {
        public String type() { return "typing"; }
    }

    /** Replaces the set of users whose presence this connection wants to receive. */
    record Watch(String rid, List<Long> userIds) implements ClientFrame {
        public String type() { return "watch"; }
    }

    /** Application-level heartbeat for clients that cannot send WebSocket pings. */
    record Ping(String rid) implements ClientFrame {
        public String type() { return "ping"; }
    }

    /** A member mentioned in a message: {@code length} UTF-16 characters of its text from {@code offset}. */
    record Mention(long userId, int offset, int length) {
    }
}
