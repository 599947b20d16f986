package dev.parley.core.memory;

import dev.parley.core.account.Account;
import dev.parley.core.account.Device;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.Conversation;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.conversation.Role;
import dev.parley.core.message.Message;
import dev.parley.core.request.MessageRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What one in-memory "database" holds: the rows the SQL schema has, as mutable objects. Every
 * store on it takes {@link #lock} around each read and write, so a write is one atomic step, as a
 * transaction is on the real stores, and writes commit in the order they take the lock.
 */
public final class MemoryData {
    final ReentrantLock lock = new ReentrantLock();

    final Map<UserId, Account> accounts = new HashMap<>();
    final Map<String, UserId> usernames = new HashMap<>();
    final Map<DeviceId, DeviceRow> devices = new LinkedHashMap<>();
    final Map<String, DeviceId> deviceByTokenHash = new HashMap<>();
    final Map<String, InviteRow> invites = new HashMap<>();

    final Map<ConversationId, ConversationRow> conversations = new HashMap<>();
    final Map<ConversationId, Map<UserId, MemberRow>> members = new HashMap<>();
    final Map<Set<UserId>, ConversationId> directPairs = new HashMap<>();
    final Map<ConversationId, TreeMap<Long, Message>> messages = new HashMap<>();
    final Map<ClientKey, Long> seqByClientId = new HashMap<>();
    final Map<ConversationId, MessageRequest> requests = new HashMap<>();
    final Map<ConversationId, List<MemoryActions.ReactionRow>> reactions = new HashMap<>();

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static final class DeviceRow {
        Device device;
        final String tokenHash;
        boolean revoked;
        /** An API token's scopes; null for a login. */
        java.util.Set<dev.parley.core.account.Scope> scopes;

        DeviceRow(Device device, String tokenHash) {
            this.device = device;
            this.tokenHash = tokenHash;
        }
    }

    static final class InviteRow {
        int usesLeft;
        final Instant expiresAt;

        InviteRow(int usesLeft, Instant expiresAt) {
            this.usesLeft = usesLeft;
            this.expiresAt = expiresAt;
        }
    }

    static final class ConversationRow {
        final ConversationId id;
        final ConversationKind kind;
        String title;
        final long createdAt;
        long lastSeq;
        long lastActivityAt;
        long membershipVersion;

        ConversationRow(ConversationId id, ConversationKind kind, String title, long createdAt) {
            this.id = id;
            this.kind = kind;
            this.title = title;
            this.createdAt = createdAt;
            this.lastActivityAt = createdAt;
        }

        Conversation snapshot() {
            return new Conversation(id, kind, title, createdAt, lastSeq, lastActivityAt);
        }

        /** Takes the next seq; the activity time only moves forward, as on the SQL stores. */
        long next(long now) {
            lastSeq++;
            lastActivityAt = Math.max(lastActivityAt, now);
            return lastSeq;
        }
    }

    static final class MemberRow {
        final UserId userId;
        Role role;
        long joinedSeq;
        long joinedAt;
        long leftSeq;
        long deliveredSeq;
        long readSeq;

        MemberRow(UserId userId, Role role, long joinedSeq, long joinedAt) {
            this.userId = userId;
            this.role = role;
            this.joinedSeq = joinedSeq;
            this.joinedAt = joinedAt;
        }

        boolean current() {
            return leftSeq == 0;
        }

        MemberState snapshot() {
            return new MemberState(userId, role, joinedSeq, leftSeq, deliveredSeq, readSeq);
        }
    }

    record ClientKey(ConversationId conversationId, UserId senderId, String clientId) {
    }

    private static final Comparator<MemberRow> JOINING_ORDER = Comparator.<MemberRow>comparingLong(m -> m.joinedSeq)
            .thenComparingLong(m -> m.joinedAt).thenComparing(m -> m.userId);

    /** The conversation's current members in joining order (the order the SQL stores read them in). */
    List<MemberRow> currentMembers(ConversationId id) {
        List<MemberRow> out = new ArrayList<>();
        for (MemberRow m : members.getOrDefault(id, Map.of()).values()) {
            if (m.current()) {
                out.add(m);
            }
        }
        out.sort(JOINING_ORDER);
        return out;
    }

    Map<UserId, Role> currentRoles(ConversationId id) {
        Map<UserId, Role> roles = new LinkedHashMap<>();
        for (MemberRow m : currentMembers(id)) {
            roles.put(m.userId, m.role);
        }
        return roles;
    }

    /** Adds the member, or makes a former member current again with a new role and joining point. */
    void upsertMember(ConversationId id, UserId user, Role role, long joinedSeq, long joinedAt) {
        Map<UserId, MemberRow> rows = members.computeIfAbsent(id, k -> new HashMap<>());
        MemberRow row = rows.get(user);
        if (row == null) {
            rows.put(user, new MemberRow(user, role, joinedSeq, joinedAt));
        } else {
            row.role = role;
            row.joinedSeq = joinedSeq;
            row.joinedAt = joinedAt;
            row.leftSeq = 0;
        }
    }

    void insertMessage(Message m) {
        messages.computeIfAbsent(m.conversationId(), k -> new TreeMap<>()).put(m.seq(), m);
        if (m.clientId() != null) {
            seqByClientId.put(new ClientKey(m.conversationId(), m.senderId(), m.clientId()), m.seq());
        }
    }

    /** Claims the pair for {@code newId} unless it has a direct conversation; returns the pair's id. */
    ConversationId claimPair(UserId a, UserId b, ConversationId newId) {
        return directPairs.computeIfAbsent(new HashSet<>(List.of(a, b)), k -> newId);
    }
}
