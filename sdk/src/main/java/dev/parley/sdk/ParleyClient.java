package dev.parley.sdk;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.FrameCodec;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One device of a Parley user: REST calls with its token, and its real-time connection.
 *
 * <p>REST methods block the calling thread until the node answers and throw
 * {@link ParleyException} with the node's error code when it refuses (or
 * {@code unavailable} when it cannot be reached). They work without {@link #connect()}.
 *
 * <p>The real-time connection ({@link #connect()}) authenticates with the positions this device
 * holds, so the node first sends whatever it missed. From then on the client keeps itself
 * connected: after any unexpected close or silence it reconnects with jittered exponential
 * backoff and resumes from its positions, and it stops only when closed, logged out, or refused
 * its token. Sends are retried under their client id until the node confirms or refuses them, so
 * each is stored once. The {@link ParleyListener} sees every history entry of every conversation
 * exactly once, in seq order, with no gap, including this device's own sends.
 *
 * <p>Threading: every method may be called from any thread. Listener callbacks and the
 * completions of the futures returned here run on the client's single SDK thread, in order; do not
 * block that thread waiting for another of this client's futures. Close the client when done.
 *
 * {@snippet :
 * Session alice = ParleyClient.login(base, "alice", "correct horse battery", "laptop");
 * try (ParleyClient client = ParleyClient.builder(base, alice)
 *         .listener(new ParleyListener() {
 *             public void onMessage(ChatMessage m) { System.out.println(m.seq() + " " + m.body()); }
 *         })
 *         .build()) {
 *     client.connect().join();
 *     Conversation bob = client.openDirect("bob");
 *     SentMessage sent = client.send(bob.conversationId(), "hi bob").join();
 * }
 * }
 */
public final class ParleyClient implements AutoCloseable {
    private final HttpClient http;
    private final Rest rest;
    private final Realtime realtime;
    private final String token;
    private volatile Session self;

    private ParleyClient(Builder b) {
        this.http = Rest.newHttpClient();
        this.token = b.token;
        this.rest = new Rest(http, b.base, b.token);
        this.realtime = new Realtime(http, rest, b.token, b.listener, b.positions, b.resume, b.autoDelivered,
                b.backoffInitial, b.backoffMax);
    }

    // ---- accounts, without a token -----------------------------------------------------------

    /**
     * Creates an account. Refusals: {@code username_taken}, {@code invalid_field},
     * {@code registration_closed}, {@code invite_required}, {@code rate_limited}.
     */
    public static User register(URI base, String username, String password) {
        return register(base, username, password, null);
    }

    /** Creates an account on a node whose registration is invite-only; {@code invite} may be null. */
    public static User register(URI base, String username, String password, String invite) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", username);
        body.put("password", password);
        if (invite != null && !invite.isBlank()) {
            body.put("invite", invite.strip());
        }
        return User.from(new Rest(Shared.HTTP, base, null).post("/v1/accounts", body));
    }

    /**
     * Logs in, creating a new device with its own token. {@code deviceName} may be null.
     * Refusals: {@code invalid_credentials}, {@code account_disabled}.
     */
    public static Session login(URI base, String username, String password, String deviceName) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", username);
        body.put("password", password);
        if (deviceName != null) {
            body.put("deviceName", deviceName);
        }
        JsonObject o = new Rest(Shared.HTTP, base, null).post("/v1/sessions", body);
        return new Session(o.string("token"), o.integer("userId"), o.integer("deviceId"),
                username.toLowerCase(Locale.ROOT));
    }

    /** A builder for a client of the node at {@code base} (for example {@code http://127.0.0.1:8080}). */
    public static Builder builder(URI base, String token) {
        return new Builder(base, token);
    }

    public static Builder builder(URI base, Session session) {
        return new Builder(base, session.token());
    }

    // ---- REST with this device's token ---------------------------------------------------------

    /** This device's account and device ids (with its token). Cached after the first call. */
    public Session me() {
        Session s = self;
        if (s == null) {
            JsonObject o = rest.get("/v1/me");
            s = new Session(token, o.integer("userId"), o.integer("deviceId"), o.string("username"));
            self = s;
        }
        return s;
    }

    public List<Device> devices() {
        return rest.get("/v1/devices").objects("devices").stream().map(Device::from).toList();
    }

    /** Revokes one of the caller's devices; its connections close with {@code logged_out}. */
    public void revokeDevice(long deviceId) {
        rest.delete("/v1/devices/" + deviceId);
    }

    /** Revokes this device's token. The connection then stops in {@link ConnectionState#LOGGED_OUT}. */
    public void logout() {
        rest.delete("/v1/sessions/current");
    }

    /** The user with this username. Refusal: {@code not_found}. */
    public User lookupUser(String username) {
        return User.from(rest.get("/v1/users/" + Rest.segment(username)));
    }

    /** The direct conversation with this user, created on first use. */
    public Conversation openDirect(String username) {
        return Conversation.from(rest.post("/v1/conversations/direct", Map.of("username", username)));
    }

    public Conversation openDirect(long userId) {
        return Conversation.from(rest.post("/v1/conversations/direct", Map.of("userId", userId)));
    }

    /** Creates a group owned by the caller with these members; its history starts with a {@code created} entry. */
    public Conversation createGroup(String title, Collection<String> usernames) {
        return Conversation.from(rest.post("/v1/conversations/groups",
                Map.of("title", title, "usernames", List.copyOf(usernames))));
    }

    /** Adds members to a group; returns the {@code members_added} entry. */
    public ChatMessage addMembers(long conversationId, Collection<String> usernames) {
        return ChatMessage.from(rest.post("/v1/conversations/" + conversationId + "/members",
                Map.of("usernames", List.copyOf(usernames))));
    }

    /** Removes a member (the caller's own id means leaving); returns the entry that records it. */
    public ChatMessage removeMember(long conversationId, long userId) {
        return ChatMessage.from(rest.delete("/v1/conversations/" + conversationId + "/members/" + userId));
    }

    /** Leaves a group; returns the {@code member_left} entry. */
    public ChatMessage leave(long conversationId) {
        return removeMember(conversationId, me().userId());
    }

    public ChatMessage rename(long conversationId, String title) {
        return ChatMessage.from(rest.patch("/v1/conversations/" + conversationId, Map.of("title", title)));
    }

    /** Makes a member an admin or an admin a member (owner only). */
    public ChatMessage setRole(long conversationId, long userId, Role role) {
        return ChatMessage.from(rest.put("/v1/conversations/" + conversationId + "/members/" + userId + "/role",
                Map.of("role", role.wire())));
    }

    /** A page of the caller's conversations, most recent activity first; {@code cursor} null for the first. */
    public ConversationPage conversations(int limit, String cursor) {
        String q = "/v1/conversations?limit=" + limit + (cursor == null ? "" : "&cursor=" + Rest.segment(cursor));
        return ConversationPage.from(rest.get(q));
    }

    /** Every conversation of the caller, following the pages to the end. */
    public List<ConversationSummary> allConversations() {
        List<ConversationSummary> all = new ArrayList<>();
        String cursor = null;
        do {
            ConversationPage page = conversations(200, cursor);
            all.addAll(page.conversations());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }

    /** The conversation with its members; {@code not_found} also for non-members. */
    public Conversation conversation(long conversationId) {
        return Conversation.from(rest.get("/v1/conversations/" + conversationId));
    }

    /**
     * A page of history in ascending seq order: with {@code after}, the oldest {@code limit} entries
     * after it; otherwise the newest {@code limit} before {@code before} (or the end when null).
     */
    public HistoryPage history(long conversationId, Long before, Long after, int limit) {
        StringBuilder q = new StringBuilder("/v1/conversations/").append(conversationId).append("/messages?limit=")
                .append(limit);
        if (before != null) {
            q.append("&before=").append(before);
        }
        if (after != null) {
            q.append("&after=").append(after);
        }
        return HistoryPage.from(rest.get(q.toString()));
    }

    // ---- people: profiles, account, blocks, requests, reports ------------------------------------

    /** The caller's own profile. */
    public User profile() {
        return User.from(rest.get("/v1/me"));
    }

    /**
     * Changes the caller's display name and status line; null leaves a field as it is, "" clears
     * it. Refusals: {@code invalid_field} (see the rules in docs/protocol.md), {@code rate_limited}.
     */
    public User updateProfile(String displayName, String status) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (displayName != null) {
            body.put("displayName", displayName);
        }
        if (status != null) {
            body.put("status", status);
        }
        return User.from(rest.patch("/v1/me/profile", body));
    }

    /**
     * Uploads a PNG, JPEG or WebP image as the caller's avatar (the node crops, shrinks and
     * re-encodes it). Refusals: {@code unsupported_media_type}, {@code too_large}, {@code rate_limited}.
     */
    public User setAvatar(byte[] image) {
        return User.from(rest.putBytes("/v1/me/avatar", image, "application/octet-stream"));
    }

    public User removeAvatar() {
        return User.from(rest.delete("/v1/me/avatar"));
    }

    /** The avatar image (JPEG) of a user at the version their profile names. Refusal: {@code not_found}. */
    public byte[] avatar(User user) {
        if (user.avatarPath() == null) {
            throw new ParleyException(ErrorCode.NOT_FOUND, user.username() + " has no avatar");
        }
        return rest.bytes(user.avatarPath());
    }

    /** The profiles of these users (at most 200), in the order given; unknown ids are left out. */
    public List<User> users(Collection<Long> userIds) {
        if (userIds.isEmpty()) {
            return List.of();
        }
        StringBuilder q = new StringBuilder();
        for (long id : userIds) {
            q.append(q.isEmpty() ? "" : ",").append(id);
        }
        return rest.get("/v1/users?ids=" + q).objects("users").stream().map(User::from).toList();
    }

    /**
     * Changes the password. With {@code revokeOtherDevices} every other device of the account is
     * logged out at once. Returns how many were. Refusals: {@code invalid_credentials} (the current
     * password is wrong), {@code invalid_field}.
     */
    public int changePassword(String currentPassword, String newPassword, boolean revokeOtherDevices) {
        return (int) rest.put("/v1/me/password", Map.of("currentPassword", currentPassword, "newPassword",
                newPassword, "revokeOtherDevices", revokeOtherDevices)).integer("revokedDevices");
    }

    /** Deletes the account for good (docs/protocol.md says what that does). Refusal: {@code invalid_credentials}. */
    public void deleteAccount(String password) {
        rest.delete("/v1/me", Map.of("password", password));
    }

    /** Blocks a user (see docs/protocol.md, "Blocks"). */
    public void block(long userId) {
        rest.put("/v1/blocks/" + userId, null);
    }

    /** Unblocks a user. Refusal: {@code not_found} when they were not blocked. */
    public void unblock(long userId) {
        rest.delete("/v1/blocks/" + userId);
    }

    /** The users the caller blocked, newest first. */
    public List<User> blocks() {
        return rest.get("/v1/blocks").objects("blocks").stream().map(User::from).toList();
    }

    /** The caller's pending message requests, newest first (at most 200). */
    public List<ConversationSummary> requests() {
        return rest.get("/v1/conversations?folder=requests&limit=200").objects("conversations").stream()
                .map(ConversationSummary::from).toList();
    }

    /** Accepts a message request: the conversation becomes ordinary and arrives from its first entry. */
    public Conversation acceptRequest(long conversationId) {
        return Conversation.from(rest.post("/v1/conversations/" + conversationId + "/accept", Map.of()));
    }

    /** Declines (deletes) a message request. */
    public void declineRequest(long conversationId) {
        rest.post("/v1/conversations/" + conversationId + "/decline", Map.of());
    }

    /** Reports a user to the operators; returns the report's id. {@code note} may be null. */
    public long reportUser(long userId, String reason, String note) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userId", userId);
        body.put("reason", reason);
        if (note != null) {
            body.put("note", note);
        }
        return rest.post("/v1/reports", body).integer("reportId");
    }

    /** Reports messages (by seq) of a conversation; their sender is reported. Returns the report's id. */
    public long reportMessages(long conversationId, Collection<Long> seqs, String reason, String note) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("conversationId", conversationId);
        body.put("seqs", List.copyOf(seqs));
        body.put("reason", reason);
        if (note != null) {
            body.put("note", note);
        }
        return rest.post("/v1/reports", body).integer("reportId");
    }

    // ---- attachments and search ----------------------------------------------------------------

    /**
     * Uploads a file, streamed from disk, telling {@code progress} how many bytes went out so far
     * (from the uploading thread). The node sniffs its type, strips an image's metadata and answers
     * the attachment to send with {@link #sendFiles}. Refusals: {@code too_large}
     * (size or quota), {@code unsupported_media_type} (a type the node does not take).
     */
    public Attachment upload(java.nio.file.Path file, String name, java.util.function.LongConsumer progress) {
        Objects.requireNonNull(progress, "progress");
        return Attachment.from(rest.postFile("/v1/attachments?name="
                + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"),
                file, progress));
    }

    public Attachment upload(java.nio.file.Path file) {
        return upload(file, file.getFileName().toString(), sent -> { });
    }

    /** An attachment's description, if the caller may fetch it ({@code not_found} otherwise). */
    public Attachment attachment(long attachmentId) {
        return Attachment.from(rest.get("/v1/attachments/" + attachmentId));
    }

    /** Downloads an attachment's bytes to {@code target} (written whole or not at all). */
    public void download(long attachmentId, java.nio.file.Path target) {
        rest.download("/v1/attachments/" + attachmentId + "/content", target);
    }

    /** An image attachment's small JPEG preview ({@code not_found} for other files). */
    public byte[] thumbnail(long attachmentId) {
        return rest.authorizedBytes("/v1/attachments/" + attachmentId + "/thumbnail");
    }

    /**
     * Sends a message carrying the caller's uploads (as {@link #upload} answered them), with
     * optional text ({@code body} may be empty), under a new client id; retried like
     * {@link #send(long, String)}.
     */
    public CompletableFuture<SentMessage> sendFiles(long conversationId, String body, List<Attachment> attachments) {
        Objects.requireNonNull(body, "body");
        String clientId = UUID.randomUUID().toString();
        return realtime.append(conversationId, clientId, ClientFrame.Send.withFiles(null, clientId, conversationId, body,
                attachments.stream().map(Attachment::id).toList()), List.copyOf(attachments));
    }

    /**
     * Searches the caller's conversations (all, or only {@code conversationId} when not null):
     * every word of {@code query} must start a word of the message, case and accents aside. Newest
     * first; pass a page's {@code next} as {@code before} for the following one (null for the first).
     */
    public SearchPage search(String query, Long conversationId, int limit, String before) {
        StringBuilder path = new StringBuilder("/v1/search?q=")
                .append(java.net.URLEncoder.encode(query, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"))
                .append("&limit=").append(limit);
        if (conversationId != null) {
            path.append("&conversationId=").append(conversationId);
        }
        if (before != null) {
            path.append("&before=").append(java.net.URLEncoder.encode(before, java.nio.charset.StandardCharsets.UTF_8));
        }
        JsonObject page = rest.get(path.toString());
        List<SearchHit> hits = new java.util.ArrayList<>();
        for (JsonObject h : page.objects("hits")) {
            List<int[]> marks = new java.util.ArrayList<>();
            for (Object m : h.list("highlights")) {
                if (m instanceof List<?> pair && pair.size() == 2) {
                    marks.add(new int[]{((Long) pair.get(0)).intValue(), ((Long) pair.get(1)).intValue()});
                }
            }
            hits.add(new SearchHit(h.integer("conversationId"), h.integer("seq"), h.integer("senderId"),
                    h.integer("ts"), h.string("snippet"), marks));
        }
        return new SearchPage(hits, page.optString("next"));
    }

    // ---- real time -----------------------------------------------------------------------------

    /**
     * Opens the connection (once; later calls return the same future). Completes when the node
     * has caught this device up ({@code synced}); fails if the node refuses the token. While the
     * node cannot be reached the client keeps trying and the future stays pending.
     */
    public CompletableFuture<Void> connect() {
        return realtime.connect();
    }

    public ConnectionState state() {
        return realtime.state();
    }

    /**
     * Sends a text message under a new client id. The future completes when the node has stored
     * it; until then it is retried (after reconnects, overload and rate limits) and never stored
     * twice. It fails with {@link ParleyException} on a definite refusal: {@code not_found},
     * {@code too_large}, {@code invalid_field}, {@code client_id_conflict}, ... Sends made before
     * or between connections go out once connected.
     */
    public CompletableFuture<SentMessage> send(long conversationId, String body) {
        return send(conversationId, UUID.randomUUID().toString(), body);
    }

    /**
     * Sends under a client id the caller chose (1 to 64 printable ASCII characters, no spaces),
     * for callers that keep their own outbox across restarts: sending again with the same id
     * returns the original confirmation.
     */
    public CompletableFuture<SentMessage> send(long conversationId, String clientId, String body) {
        Objects.requireNonNull(body, "body");
        return realtime.send(conversationId, checkedClientId(clientId), body);
    }

    /**
     * Sends a text message answering the message at {@code replyTo} of the same conversation; every
     * device shows it with a quote of that message. Refused with {@code target_not_found} when
     * there is no text message there.
     */
    public CompletableFuture<SentMessage> reply(long conversationId, long replyTo, String body) {
        return reply(conversationId, UUID.randomUUID().toString(), replyTo, body);
    }

    public CompletableFuture<SentMessage> reply(long conversationId, String clientId, long replyTo, String body) {
        Objects.requireNonNull(body, "body");
        return realtime.append(conversationId, checkedClientId(clientId),
                new ClientFrame.Send(null, clientId, conversationId, body, replyTo));
    }

    /**
     * Sends a group message mentioning members: each {@link ChatMessage.Mention} names a current
     * member and the part of {@code body} that mentions them (for example "@bob"). A mentioned member
     * is pushed even when they muted the group, and their conversation list shows the mention until
     * they read it. Refused with {@code invalid_field} outside a group or for a non-member.
     */
    public CompletableFuture<SentMessage> send(long conversationId, String body, List<ChatMessage.Mention> mentions) {
        return send(conversationId, UUID.randomUUID().toString(), body, 0, mentions);
    }

    public CompletableFuture<SentMessage> send(long conversationId, String clientId, String body, long replyTo,
                                               List<ChatMessage.Mention> mentions) {
        Objects.requireNonNull(body, "body");
        return realtime.append(conversationId, checkedClientId(clientId), new ClientFrame.Send(null, clientId,
                conversationId, body, replyTo, mentions.stream()
                .map(m -> new ClientFrame.Mention(m.userId(), m.offset(), m.length())).toList()));
    }

    /**
     * Puts {@code emoji} (one emoji) on the message at {@code targetSeq}, or takes it off
     * ({@code remove}). Completes with the reaction's entry, or with seq 0 when it already was so.
     */
    public CompletableFuture<SentMessage> react(long conversationId, long targetSeq, String emoji, boolean remove) {
        return react(conversationId, UUID.randomUUID().toString(), targetSeq, emoji, remove);
    }

    public CompletableFuture<SentMessage> react(long conversationId, String clientId, long targetSeq, String emoji,
                                                boolean remove) {
        Objects.requireNonNull(emoji, "emoji");
        return realtime.append(conversationId, checkedClientId(clientId),
                new ClientFrame.React(null, clientId, conversationId, targetSeq, emoji, remove));
    }

    /** Changes the text of this user's own message at {@code targetSeq}, within the node's edit window. */
    public CompletableFuture<SentMessage> edit(long conversationId, long targetSeq, String body) {
        return edit(conversationId, UUID.randomUUID().toString(), targetSeq, body);
    }

    public CompletableFuture<SentMessage> edit(long conversationId, String clientId, long targetSeq, String body) {
        Objects.requireNonNull(body, "body");
        return realtime.append(conversationId, checkedClientId(clientId),
                new ClientFrame.Edit(null, clientId, conversationId, targetSeq, body));
    }

    /**
     * Deletes the message at {@code targetSeq} for everyone (this user's own, or any in a group this
     * user owns or administers). Completes with the deletion's entry, or seq 0 if it was already deleted.
     */
    public CompletableFuture<SentMessage> delete(long conversationId, long targetSeq) {
        return delete(conversationId, UUID.randomUUID().toString(), targetSeq);
    }

    public CompletableFuture<SentMessage> delete(long conversationId, String clientId, long targetSeq) {
        return realtime.append(conversationId, checkedClientId(clientId),
                new ClientFrame.Delete(null, clientId, conversationId, targetSeq));
    }

    private static String checkedClientId(String clientId) {
        if (clientId == null || clientId.isEmpty() || clientId.length() > FrameCodec.MAX_CLIENT_ID_CHARS
                || !clientId.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw new IllegalArgumentException("clientId must be 1 to 64 printable ASCII characters without spaces");
        }
        return clientId;
    }

    /**
     * Says this device holds every entry up to {@code seq}. Not needed with auto-delivered on
     * (the default). Completes when the node has recorded it.
     */
    public CompletableFuture<Void> markDelivered(long conversationId, long seq) {
        return realtime.request(rid -> new ClientFrame.Delivered(rid, conversationId, seq));
    }

    /** Says the user has seen everything up to {@code seq}. Completes when the node has recorded it. */
    public CompletableFuture<Void> markRead(long conversationId, long seq) {
        return realtime.request(rid -> new ClientFrame.Read(rid, conversationId, seq));
    }

    /**
     * Says the user is typing ({@code true}) or stopped. Repeat {@code true} every few seconds
     * while they type; the node expires it after about 6. Dropped while disconnected.
     */
    public void typing(long conversationId, boolean typing) {
        realtime.typing(conversationId, typing);
    }

    /**
     * Replaces the set of users whose presence the listener receives; kept across reconnects.
     * Only users who share a conversation with the caller are watched. Completes when the node
     * has taken the list; their current presence follows at once.
     */
    public CompletableFuture<Void> watch(Collection<Long> userIds) {
        return realtime.watch(List.copyOf(userIds));
    }

    /**
     * Closes the connection and stops the client. Unconfirmed sends fail with
     * {@code unavailable}; they may still have been stored, and a later send under the same
     * client id confirms them.
     */
    @Override
    public void close() {
        realtime.close();
        // Not shutdownNow: the close frame the socket just queued should still reach the node.
        http.shutdown();
    }

    /** For tests' failure messages: what waits for the node's answer (package-private). */
    String describeUnanswered() {
        try {
            return realtime.describeUnanswered().get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            return "(no answer from the SDK thread: " + e + ")";
        }
    }

    /**
     * Drops the current connection as a network failure would; the client reconnects and resumes
     * by itself. For an app that knows its network changed, and for tests.
     */
    public void dropConnection() {
        realtime.dropConnection();
    }

    /** Options of a {@link ParleyClient}. */
    public static final class Builder {
        private final URI base;
        private final String token;
        private ParleyListener listener = new ParleyListener() { };
        private PositionStore positions = PositionStore.inMemory();
        private boolean autoDelivered = true;
        private boolean resume = true;
        private Duration backoffInitial = Duration.ofMillis(200);
        private Duration backoffMax = Duration.ofSeconds(10);

        private Builder(URI base, String token) {
            this.base = Objects.requireNonNull(base, "base");
            this.token = Objects.requireNonNull(token, "token");
        }

        /** Receives entries, receipts, typing, presence and state changes. */
        public Builder listener(ParleyListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Where positions are kept; in memory and empty by default, which catches every
         * conversation up from its first entry on the first connect.
         */
        public Builder positions(PositionStore positions) {
            this.positions = Objects.requireNonNull(positions, "positions");
            return this;
        }

        /**
         * Whether the client confirms {@code delivered} by itself (default on): after handing
         * entries from others to the listener it sends one receipt per conversation for its new
         * position, coalescing bursts.
         */
        public Builder autoDelivered(boolean on) {
            this.autoDelivered = on;
            return this;
        }

        /**
         * Whether to resume from positions (default on). Off, the connection authenticates without
         * positions and receives only live entries, each conversation starting at the first entry
         * it sees; entries committed while disconnected are not delivered. Fits bots and one-shot
         * senders.
         */
        public Builder resume(boolean on) {
            this.resume = on;
            return this;
        }

        /** The reconnect backoff: from {@code initial} doubling to {@code max} (200 ms to 10 s by default). */
        public Builder backoff(Duration initial, Duration max) {
            this.backoffInitial = Objects.requireNonNull(initial, "initial");
            this.backoffMax = Objects.requireNonNull(max, "max");
            return this;
        }

        public ParleyClient build() {
            return new ParleyClient(this);
        }
    }

    /** The HTTP client of the static calls, made on first use. */
    private static final class Shared {
        static final HttpClient HTTP = Rest.newHttpClient();
    }
}
