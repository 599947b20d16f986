package dev.parley.store;

import dev.parley.core.ChatException.Refusal;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.conversation.Membership;
import dev.parley.core.conversation.Role;
import dev.parley.core.group.MembershipRules;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.MembershipChange;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Group history events that change membership or the title, applied in the same transaction as
 * the entry that records them. The rules ({@link MembershipRules}) are checked against the rows as
 * they are inside the transaction, so concurrent changes from several nodes cannot break them: the first statement
 * locks the conversation's row ({@code FOR UPDATE} on PostgreSQL), and every change of a
 * conversation's members takes that lock, so the members read after it are current until commit.
 */
final class MembershipChanges {
    private static final String UPSERT_MEMBER = "INSERT INTO members"
            + " (conversation_id, user_id, role, joined_seq, joined_at, left_seq, delivered_seq, read_seq)"
            + " VALUES (?, ?, ?, ?, ?, NULL, 0, 0) ON CONFLICT (conversation_id, user_id) DO UPDATE SET"
            + " role = excluded.role, joined_seq = excluded.joined_seq, joined_at = excluded.joined_at, left_seq = NULL";

    private MembershipChanges() {
    }

    /** Creates a group at seq 1 with its owner and initial members. */
    static AppendResult.Appended create(SqlSession s, ConversationId id, UserId owner, DeviceId ownerDevice, String title,
                                        List<UserId> members, long now) throws SQLException {
        PreparedStatement conv = s.prepare("INSERT INTO conversations (id, kind, title, created_at, last_seq, last_activity_at,"
                + " membership_version) VALUES (?, ?, ?, ?, 1, ?, 1)");
        conv.setLong(1, id.value());
        conv.setString(2, ConversationKind.GROUP.wire());
        conv.setString(3, title);
        conv.setLong(4, now);
        conv.setLong(5, now);
        conv.executeUpdate();
        Map<UserId, Role> roles = MembershipRules.newGroup(owner, members);
        PreparedStatement mem = s.prepare(UPSERT_MEMBER);
        for (Map.Entry<UserId, Role> e : roles.entrySet()) {
            bindMember(mem, id, e.getKey(), e.getValue(), 1, now);
            mem.executeUpdate();
        }
        Message m = new Message(id, 1, now, owner, ownerDevice, null, MessageKind.CREATED, null, title,
                new ArrayList<>(roles.keySet()), null);
        PreparedStatement ins = s.prepare(MessageRows.INSERT);
        MessageRows.bind(ins, m);
        ins.executeUpdate();
        return new AppendResult.Appended(m, new Membership(id, ConversationKind.GROUP, roles, 1));
    }

    /** Applies the request's change as {@link MembershipRules} decides it, with the entry that records it. */
    static AppendResult apply(SqlSession s, AppendRequest r) throws SQLException {
        ConversationId id = r.conversationId();
        ConversationKind kind = lockedKindOf(s, id);
        if (kind == null) {
            return new AppendResult.NotMember();
        }
        Map<UserId, Role> roles = currentRoles(s, id);
        if (r.change() instanceof MembershipChange.AcceptRequest) {
            return acceptRequest(s, r, kind, roles);
        }
        MembershipRules.Apply change;
        switch (MembershipRules.decide(kind, roles, r.senderId(), r.change())) {
            case MembershipRules.Refuse refuse -> {
                return refuse.result();
            }
            case MembershipRules.Apply apply -> change = apply;
        }
        long seq = nextSeq(s, id, r.createdAt(), change.title());
        switch (r.change()) {
            case MembershipChange.Add add -> {
                PreparedStatement mem = s.prepare(UPSERT_MEMBER);
                for (UserId u : change.subjects()) {
                    bindMember(mem, id, u, add.role(), seq, r.createdAt());
                    mem.executeUpdate();
                }
            }
            case MembershipChange.Remove rm -> markLeft(s, id, rm.user(), seq);
            case MembershipChange.Leave leave -> {
                markLeft(s, id, r.senderId(), seq);
                if (change.successor() != null) {
                    setRole(s, id, change.successor(), Role.OWNER);
                }
            }
            case MembershipChange.Rename rename -> {
            }
            case MembershipChange.AcceptRequest accept -> throw new IllegalStateException("handled above");
            case MembershipChange.SetRole set -> setRole(s, id, set.user(), set.role());
        }
        Message m = new Message(id, seq, r.createdAt(), r.senderId(), r.senderDeviceId(), r.clientId(), r.kind(),
                null, change.title(), change.subjects(), change.subjectRole());
        PreparedStatement ins = s.prepare(MessageRows.INSERT);
        MessageRows.bind(ins, m);
        ins.executeUpdate();
        return new AppendResult.Appended(m, new Membership(id, kind, change.roles(), seq));
    }

    /**
     * The recipient of the conversation's message request becomes its second member: the request
     * row goes, the entry records it, and the membership version moves to the entry's seq, all in
     * this transaction. Anyone else gets NotMember, as for any conversation they are not in.
     */
    private static AppendResult acceptRequest(SqlSession s, AppendRequest r, ConversationKind kind,
                                              Map<UserId, Role> roles) throws SQLException {
        ConversationId id = r.conversationId();
        if (roles.containsKey(r.senderId())) {
            return new AppendResult.Refused(Refusal.CONFLICT, "already a member of this conversation");
        }
        if (kind != ConversationKind.DIRECT || JdbcRequestStore.one(s, id)
                .filter(q -> q.recipient().equals(r.senderId())).isEmpty()) {
            return new AppendResult.NotMember();
        }
        long seq = nextSeq(s, id, r.createdAt(), null);
        PreparedStatement mem = s.prepare(UPSERT_MEMBER);
        bindMember(mem, id, r.senderId(), Role.MEMBER, 0, r.createdAt());
        mem.executeUpdate();
        PreparedStatement del = s.prepare("DELETE FROM message_requests WHERE conversation_id = ?");
        del.setLong(1, id.value());
        del.executeUpdate();
        roles.put(r.senderId(), Role.MEMBER);
        Message m = new Message(id, seq, r.createdAt(), r.senderId(), r.senderDeviceId(), null, r.kind(), null, null,
                List.of(r.senderId()), null);
        PreparedStatement ins = s.prepare(MessageRows.INSERT);
        MessageRows.bind(ins, m);
        ins.executeUpdate();
        return new AppendResult.Appended(m, new Membership(id, kind, roles, seq));
    }

    /** The conversation's kind, its row locked until commit; null if there is no such conversation. */
    static ConversationKind lockedKindOf(SqlSession s, ConversationId id) throws SQLException {
        PreparedStatement ps = s.prepare("SELECT kind FROM conversations WHERE id = ?" + s.dialect().forUpdate());
        ps.setLong(1, id.value());
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? ConversationKind.fromWire(rs.getString(1)) : null;
        }
    }

    /** Current members in the order they joined. */
    static Map<UserId, Role> currentRoles(SqlSession s, ConversationId id) throws SQLException {
        PreparedStatement ps = s.prepare("SELECT user_id, role FROM members WHERE conversation_id = ? AND left_seq IS NULL"
                + " ORDER BY joined_seq, joined_at, user_id");
        ps.setLong(1, id.value());
        Map<UserId, Role> roles = new LinkedHashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                roles.put(new UserId(rs.getLong(1)), Role.fromWire(rs.getString(2)));
            }
        }
        return roles;
    }

    private static long nextSeq(SqlSession s, ConversationId id, long now, String title) throws SQLException {
        // The activity time only moves forward (see JdbcMessageStore.nextSeqForMember).
        String activity = " last_activity_at = " + s.dialect().greatest() + "(last_activity_at, ?)";
        PreparedStatement ps = title == null
                ? s.prepare("UPDATE conversations SET last_seq = last_seq + 1, membership_version = last_seq + 1,"
                        + activity + " WHERE id = ? RETURNING last_seq")
                : s.prepare("UPDATE conversations SET last_seq = last_seq + 1, membership_version = last_seq + 1,"
                        + activity + ", title = ? WHERE id = ? RETURNING last_seq");
        int i = 1;
        ps.setLong(i++, now);
        if (title != null) {
            ps.setString(i++, title);
        }
        ps.setLong(i, id.value());
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void markLeft(SqlSession s, ConversationId id, UserId user, long seq) throws SQLException {
        PreparedStatement ps = s.prepare("UPDATE members SET left_seq = ? WHERE conversation_id = ? AND user_id = ?");
        ps.setLong(1, seq);
        ps.setLong(2, id.value());
        ps.setLong(3, user.value());
        ps.executeUpdate();
    }

    private static void setRole(SqlSession s, ConversationId id, UserId user, Role role) throws SQLException {
        PreparedStatement ps = s.prepare("UPDATE members SET role = ? WHERE conversation_id = ? AND user_id = ?");
        ps.setString(1, role.wire());
        ps.setLong(2, id.value());
        ps.setLong(3, user.value());
        ps.executeUpdate();
    }

    static void bindMember(PreparedStatement ps, ConversationId id, UserId user, Role role, long joinedSeq, long now)
            throws SQLException {
        ps.setLong(1, id.value());
        ps.setLong(2, user.value());
        ps.setString(3, role.wire());
        ps.setLong(4, joinedSeq);
        ps.setLong(5, now);
    }
}
