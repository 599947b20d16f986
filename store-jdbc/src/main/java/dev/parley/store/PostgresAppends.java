package dev.parley.store;

import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.conversation.Membership;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.Mention;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The plain text appends of a PostgreSQL writer's transaction, written together by one round trip.
 *
 * <p>Appended one by one, each entry costs four statements, each a round trip to the server and a
 * statement for it to parse, plan and run: the client-id lookup, {@code UPDATE conversations ...
 * RETURNING} with its membership check, the insert with its membership re-check, and the search
 * index row (docs/benchmarks.md, "PostgreSQL send path"). Here a plain text append (no
 * membership change, action, reply or attachment) is only queued by its task; before anything
 * else in the transaction reads or writes conversation rows ({@link SqlSession#beforeTask}), and
 * before the commit, the queue is written by two statements sent together:
 * <ol>
 *   <li>{@link #LOCK} locks the rows of the queued appends' conversations, in ascending id order
 *       (the order every writer locks them in, see {@link GroupCommitWriter}), as the per-append
 *       UPDATE did;</li>
 *   <li>{@link #WRITE}, a statement that starts once those locks are held, so that under READ
 *       COMMITTED it sees every membership change committed before (a change locks the
 *       conversation row first, so none can commit while these locks are held): per append it
 *       looks up the client id (a retry is answered with the original) and the sender's current
 *       membership, numbers the accepted appends of each conversation from its {@code last_seq},
 *       moves {@code last_seq} and {@code last_activity_at} once per conversation, inserts the
 *       entries, their search rows and their mentions, and answers each append in order.</li>
 * </ol>
 * This is the same check at the same moment as the per-append statements made (the membership
 * read after the conversation's lock is held), so the guarantees hold as there; an entry's seq
 * is still taken under its conversation's lock, dense and in submission order.
 *
 * <p>Each task's result is filled in when the queue is written, before its transaction commits;
 * a rollback drops the queue, and the writer runs the tasks again. Two queued appends with one
 * sender and client id would both pass the lookup (a statement does not see its own inserts), so
 * the first is written before the second is queued. Used only by its writer's thread.
 */
final class PostgresAppends {
    /** Locks the conversations' rows (parameter 1, their ids) in ascending id order. */
    static final String LOCK = "SELECT id FROM conversations WHERE id = ANY(?::bigint[]) ORDER BY id FOR NO KEY UPDATE";
    /**
     * Writes the appends given as arrays (parameters 1 to 8, one element per append in queue
     * order) with their mentions (parameters 9 and 10: the append's 1-based position and the
     * mentioned user); one row per append in order: whether its client id was taken, its seq
     * (null when not appended), the conversation's membership version and kind.
     */
    // The lookups are scalar subqueries, not EXISTS: the planner may turn an EXISTS into a hashed
    // scan of the whole table, which a plan made while the tables were small then keeps doing.
    static final String WRITE = "WITH req AS ("
            + " SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::text[],"
            + " ?::text[]) WITH ORDINALITY AS r (conversation_id, sender_id, sender_device_id, client_id, created_at, body,"
            + " mentions, indexed, n)"
            + "), checked AS ("
            + " SELECT req.*,"
            + " req.client_id IS NOT NULL AND (SELECT 1 FROM messages x WHERE x.conversation_id = req.conversation_id"
            + " AND x.sender_id = req.sender_id AND x.client_id = req.client_id LIMIT 1) IS NOT NULL AS taken,"
            + " (SELECT 1 FROM members m WHERE m.conversation_id = req.conversation_id AND m.user_id = req.sender_id"
            + " AND m.left_seq IS NULL LIMIT 1) IS NOT NULL AS member"
            + " FROM req"
            + "), ok AS ("
            + " SELECT checked.*, row_number() OVER (PARTITION BY conversation_id ORDER BY n) AS k FROM checked"
            + " WHERE member AND NOT taken"
            + "), conv AS ("
            + " UPDATE conversations c SET last_seq = c.last_seq + t.appended,"
            + " last_activity_at = greatest(c.last_activity_at, t.latest)"
            + " FROM (SELECT conversation_id, count(*) AS appended, max(created_at) AS latest FROM ok"
            + " GROUP BY conversation_id) t"
            + " WHERE c.id = t.conversation_id"
            + " RETURNING c.id, c.last_seq - t.appended AS base, c.membership_version, c.kind"
            + "), placed AS ("
            + " SELECT ok.*, conv.base + ok.k AS seq FROM ok JOIN conv ON conv.id = ok.conversation_id"
            + "), entries AS ("
            + " INSERT INTO messages (conversation_id, seq, created_at, sender_id, sender_device_id, client_id, kind, body,"
            + " mentions)"
            + " SELECT conversation_id, seq, created_at, sender_id, sender_device_id, client_id, 'text', body, mentions"
            + " FROM placed"
            + "), search AS ("
            + " INSERT INTO message_search (conversation_id, seq, created_at, document)"
            + " SELECT conversation_id, seq, created_at, to_tsvector('simple', indexed) FROM placed WHERE indexed IS NOT NULL"
            + "), mention AS ("
            + " INSERT INTO mentioned (conversation_id, user_id, seq)"
            + " SELECT p.conversation_id, mu.user_id, p.seq FROM unnest(?::bigint[], ?::bigint[]) AS mu (n, user_id)"
            + " JOIN placed p ON p.n = mu.n"
            + " ON CONFLICT DO NOTHING"
            + ")"
            + " SELECT c.taken, p.seq, v.membership_version, v.kind FROM checked c"
            + " LEFT JOIN placed p ON p.n = c.n LEFT JOIN conv v ON v.id = c.conversation_id"
            + " ORDER BY c.n";
    /** Both, sent in one round trip: the driver sends the second without waiting for the first. */
    private static final String LOCK_AND_WRITE = LOCK + ";\n" + WRITE;

    /** A queued append; its result once the queue is written. */
    static final class Queued {
        final AppendRequest request;
        final String indexed;
        private AppendResult result;

        private Queued(AppendRequest request, String indexed) {
            this.request = request;
            this.indexed = indexed;
        }

        /** The append's result; set before the transaction that wrote it commits. */
        AppendResult result() {
            if (result == null) {
                throw new IllegalStateException("the append was not written");
            }
            return result;
        }
    }

    private record ClientKey(long conversation, long sender, String clientId) {
    }

    private final List<Queued> queued = new ArrayList<>();
    private final Set<ClientKey> clientIds = new HashSet<>();

    /**
     * Whether the request is a plain text entry this queue writes: no membership change, action,
     * reply, target or attachment (those take the per-append statements of
     * {@link JdbcMessageStore}).
     */
    static boolean fits(AppendRequest r) {
        return r.change() == null && r.kind() == MessageKind.TEXT && r.replyTo() == 0 && r.targetSeq() == 0
                && r.attachments().isEmpty() && r.title() == null && r.userIds() == null && r.role() == null;
    }

    /** Queues a plain text append ({@link #fits}); {@code indexed} is its folded text for search, or null. */
    Queued add(SqlSession s, AppendRequest r, String indexed) throws SQLException {
        if (r.clientId() != null) {
            ClientKey key = new ClientKey(r.conversationId().value(), r.senderId().value(), r.clientId());
            if (!clientIds.add(key)) {
                // The same send twice in one queue: the second must find the first stored.
                flush(s);
                clientIds.add(key);
            }
        }
        Queued q = new Queued(r, indexed);
        queued.add(q);
        return q;
    }

    /** Drops the queue (the transaction rolled back). */
    void clear() {
        queued.clear();
        clientIds.clear();
    }

    /** Writes what is queued, in this transaction, and sets each append's result. */
    void flush(SqlSession s) throws SQLException {
        if (queued.isEmpty()) {
            return;
        }
        List<Queued> writing = List.copyOf(queued);
        clear();
        int n = writing.size();
        Long[] conversations = new Long[n];
        Long[] senders = new Long[n];
        Long[] devices = new Long[n];
        String[] clientIds = new String[n];
        Long[] createdAt = new Long[n];
        String[] bodies = new String[n];
        String[] mentions = new String[n];
        String[] indexed = new String[n];
        List<Long> mentionAt = new ArrayList<>();
        List<Long> mentioned = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            AppendRequest r = writing.get(i).request;
            conversations[i] = r.conversationId().value();
            senders[i] = r.senderId().value();
            devices[i] = r.senderDeviceId() == null ? null : r.senderDeviceId().value();
            clientIds[i] = r.clientId();
            createdAt[i] = r.createdAt();
            bodies[i] = r.body();
            mentions[i] = MessageRows.formatMentions(r.mentions());
            indexed[i] = writing.get(i).indexed;
            for (Mention m : r.mentions()) {
                mentionAt.add(i + 1L);
                mentioned.add(m.userId().value());
            }
        }
        java.sql.Connection c = s.connection();
        PreparedStatement ps = s.prepare(LOCK_AND_WRITE);
        java.sql.Array ids = c.createArrayOf("bigint", conversations);
        ps.setArray(1, ids);
        ps.setArray(2, ids);
        ps.setArray(3, c.createArrayOf("bigint", senders));
        ps.setArray(4, c.createArrayOf("bigint", devices));
        ps.setArray(5, c.createArrayOf("text", clientIds));
        ps.setArray(6, c.createArrayOf("bigint", createdAt));
        ps.setArray(7, c.createArrayOf("text", bodies));
        ps.setArray(8, c.createArrayOf("text", mentions));
        ps.setArray(9, c.createArrayOf("text", indexed));
        ps.setArray(10, c.createArrayOf("bigint", mentionAt.toArray(new Long[0])));
        ps.setArray(11, c.createArrayOf("bigint", mentioned.toArray(new Long[0])));
        ps.execute();
        if (!ps.getMoreResults()) {
            throw new SQLException("the appends' statement returned no rows");
        }
        boolean[] taken = new boolean[n];
        long[] seqs = new long[n];
        long[] versions = new long[n];
        String[] kinds = new String[n];
        try (ResultSet rs = ps.getResultSet()) {
            for (int i = 0; i < n; i++) {
                if (!rs.next()) {
                    throw new SQLException("the appends' statement answered " + i + " of " + n + " appends");
                }
                taken[i] = rs.getBoolean(1);
                seqs[i] = rs.getLong(2);
                versions[i] = rs.getLong(3);
                kinds[i] = rs.getString(4);
            }
        }
        for (int i = 0; i < n; i++) {
            Queued q = writing.get(i);
            q.result = resultOf(s, q, taken[i], seqs[i], versions[i], kinds[i]);
        }
    }

    private static AppendResult resultOf(SqlSession s, Queued q, boolean taken, long seq, long version, String kind)
            throws SQLException {
        AppendRequest r = q.request;
        if (taken) {
            Message original = JdbcMessageStore.byClientId(s, r);
            if (original == null) {
                throw new SQLException("the entry of client id " + r.clientId() + " went while its retry was written",
                        Dialect.SERIALIZATION_FAILURE);
            }
            return r.repeats(original) ? new AppendResult.Duplicate(original) : new AppendResult.ClientIdConflict(original);
        }
        if (seq == 0) {
            return new AppendResult.NotMember();
        }
        Message m = new Message(r.conversationId(), seq, r.createdAt(), r.senderId(), r.senderDeviceId(), r.clientId(),
                MessageKind.TEXT, r.body(), null, null, null, 0, null, 0, List.of(), 0, 0, null, r.mentions(),
                r.attachments());
        Membership current = null;
        if (r.knownMembershipVersion() >= 0 && r.knownMembershipVersion() != version) {
            current = new Membership(r.conversationId(), ConversationKind.fromWire(kind),
                    MembershipChanges.currentRoles(s, r.conversationId()), version);
        }
        return new AppendResult.Appended(m, current);
    }
}
