package dev.parley.store;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.conversation.Membership;
import dev.parley.core.conversation.Role;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.core.message.MessageStore;
import dev.parley.core.message.Quote;
import dev.parley.core.ChatException.Refusal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Conversation histories in the {@code messages} table, on the shard of the conversation.
 *
 * <p>An append is one write task: look up the client id (a retry returns the original entry),
 * take the next seq with {@code UPDATE conversations SET last_seq = last_seq + 1 ... RETURNING}
 * guarded by a membership check in the same statement, insert the entry, and apply the entry's
 * membership change. The UPDATE locks the conversation's row until commit, so seqs stay dense and
 * unique when several nodes share one PostgreSQL database.
 *
 * <p>On PostgreSQL an UPDATE that waited for that lock re-checks the row it locked but not the
 * rest of its WHERE clause: the membership check saw the members as they were when the statement
 * began, before another node's removal of the sender committed. So the insert checks membership
 * again, in a statement that starts after the lock is held; if the sender is no longer a member,
 * the task fails as a serialization failure and the writer runs it again, when the UPDATE finds
 * the sender gone. (A duplicate client id from another node is caught the same way, by the unique
 * index: the batch fails, and the task, run again, finds the original.)
 *
 * <p>SQLite needs no such re-check, and the insert there skips it: its transactions are
 * serializable. The file has one writing connection (the group-commit writer; the checkpointer
 * and the readers never change rows), and even a second one could not slip a removal in between:
 * a write transaction whose snapshot is older than another's commit fails with
 * {@code SQLITE_BUSY_SNAPSHOT} instead of writing, so the UPDATE's membership check sees the
 * members as they are when the insert runs.
 *
 * <p>On SQLite a plain entry (no membership change, action or reply) skips all of that: the
 * writer remembers the conversation's last seq and the senders it found to be members
 * ({@link HotConversations}), so the append is one insert, whose client-id index catches a retry;
 * the conversation row is written once per transaction, before it commits.
 */
public final class JdbcMessageStore implements MessageStore {
    /**
     * Takes the next seq for a current member. The activity time only moves forward: in a
     * cluster each node stamps appends with its own clock, and the conversation list pages by it.
     */
    private static final Map<Dialect, String> NEXT_SEQ_FOR_MEMBER = new EnumMap<>(Dialect.class);

    static {
        for (Dialect d : Dialect.values()) {
            NEXT_SEQ_FOR_MEMBER.put(d, nextSeqForMember(d));
        }
    }

    private static String nextSeqForMember(Dialect dialect) {
        return "UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = " + dialect.greatest()
                + "(last_activity_at, ?) WHERE id = ? AND EXISTS (SELECT 1 FROM members WHERE conversation_id = ?"
                + " AND user_id = ? AND left_seq IS NULL) RETURNING last_seq, membership_version, kind";
    }

    private final Shards shards;

    public JdbcMessageStore(Database db) {
        this(Shards.of(db));
    }

    public JdbcMessageStore(Shards shards) {
        this.shards = shards;
    }

    @Override
    public CompletableFuture<AppendResult> append(AppendRequest r, Consumer<? super AppendResult> onCommit) {
        String indexed = MessageSearchIndex.folded(r.kind(), r.body());
        Database db = shards.forConversation(r.conversationId());
        if (db instanceof PostgresDatabase) {
            return appendOnPostgres(db, r, indexed, onCommit);
        }
        SearchNotes indexer = indexerOf(db);
        if (indexer == null) {
            return db.write(r.conversationId().value(), (SqlTask.Append<AppendResult>) s -> appendIn(s, r, indexed, null),
                    onCommit);
        }
        // The indexer keeps the entry once it is committed (not when a batch that rolls back ran
        // it), and indexes it later from what it kept, without reading it back.
        return db.write(r.conversationId().value(), (SqlTask.Append<AppendResult>) s -> appendIn(s, r, indexed, indexer),
                result -> {
            // The caller's hook first: should it throw, the entry is missing from what the indexer
            // kept, which it notices (a gap up to last_seq) and reads the conversation back.
            onCommit.accept(result);
            if (result instanceof AppendResult.Appended a) {
                indexer.appended(a.message(), indexed);
            }
        });
    }

    /**
     * On PostgreSQL a plain text entry is queued and written with the other plain appends of its
     * transaction by one round trip ({@link PostgresAppends}); any other append runs the statements
     * of {@link #appendIn}, as a task that is not an {@link SqlTask.Append}, so the writer first
     * writes what is queued and the task reads the conversation's rows as they are.
     */
    private static CompletableFuture<AppendResult> appendOnPostgres(Database db, AppendRequest r, String indexed,
                                                                    Consumer<? super AppendResult> onCommit) {
        long key = r.conversationId().value();
        if (!PostgresAppends.fits(r)) {
            return db.write(key, s -> appendIn(s, r, indexed, null), onCommit);
        }
        SqlTask.Append<PostgresAppends.Queued> queue = s -> {
            PostgresAppends appends = s.appends();
            if (appends == null) {
                // A session of its own (a tool's): the statements, at once.
                PostgresAppends alone = new PostgresAppends();
                PostgresAppends.Queued q = alone.add(s, r, indexed);
                alone.flush(s);
                return q;
            }
            return appends.add(s, r, indexed);
        };
        return db.write(key, queue, q -> onCommit.accept(q.result())).thenApply(PostgresAppends.Queued::result);
    }

    /** SQLite indexes entries after their appends (told by these notes); null where the append indexes its entry itself. */
    private static SearchNotes indexerOf(Database db) {
        return db instanceof SqliteDatabase sqlite ? sqlite.searchNotes() : null;
    }

    private static AppendResult appendIn(SqlSession s, AppendRequest r, String indexed, SearchNotes indexer)
            throws SQLException {
        HotConversations hot = s.hot();
        if (hot != null) {
            if (r.change() == null && !r.kind().isAction() && r.replyTo() == 0) {
                AppendResult plain = appendPlain(s, hot, r, indexed, indexer);
                if (plain != null) {
                    return plain;
                }
            }
            // What follows reads and moves the conversation's row and members by statements.
            hot.flush(s);
            hot.forget(r.conversationId().value());
        }
        if (s.logged() != null) {
            // Not a plain logged append: a barrier, which SQLite holds before it is acknowledged,
            // with every row kept out of it before, so what follows reads the rows as they are.
            s.logged().materializeAll(s);
        }
        if (r.clientId() != null) {
            Message original = byClientId(s, r);
            if (original != null) {
                return r.repeats(original) ? new AppendResult.Duplicate(original) : new AppendResult.ClientIdConflict(original);
            }
        }
        if (r.change() != null) {
            return MembershipChanges.apply(s, r);
        }
        if (r.kind().isAction()) {
            AppendResult refused = ActionRows.check(s, r);
            if (refused != null) {
                return refused;
            }
        }
        Quote quote = null;
        if (r.replyTo() > 0) {
            // Checked before the seq is taken: a refusal after it would commit a gap.
            quote = quotable(s, r.conversationId(), r.replyTo());
            if (quote == null) {
                return isMember(s, r) ? new AppendResult.Refused(Refusal.TARGET_NOT_FOUND,
                        "no message " + r.replyTo() + " to reply to in this conversation") : new AppendResult.NotMember();
            }
        }
        PreparedStatement next = s.prepare(NEXT_SEQ_FOR_MEMBER.get(s.dialect()));
        next.setLong(1, r.createdAt());
        next.setLong(2, r.conversationId().value());
        next.setLong(3, r.conversationId().value());
        next.setLong(4, r.senderId().value());
        long seq;
        long version;
        ConversationKind kind;
        try (ResultSet rs = next.executeQuery()) {
            if (!rs.next()) {
                return new AppendResult.NotMember();
            }
            seq = rs.getLong(1);
            version = rs.getLong(2);
            kind = ConversationKind.fromWire(rs.getString(3));
        }
        Message m = new Message(r.conversationId(), seq, r.createdAt(), r.senderId(), r.senderDeviceId(), r.clientId(),
                r.kind(), r.body(), r.title(), r.userIds(), r.role(), r.replyTo(), quote, r.targetSeq(), List.of(), 0, 0,
                null, r.mentions(), r.attachments());
        boolean recheck = s.dialect() != Dialect.SQLITE;
        PreparedStatement ins = s.prepare(recheck ? MessageRows.INSERT_IF_MEMBER : MessageRows.INSERT_WITH_REFERENCES);
        MessageRows.bind(ins, m);
        if (r.replyTo() > 0) {
            ins.setLong(12, r.replyTo());
        } else {
            ins.setNull(12, java.sql.Types.BIGINT);
        }
        if (r.targetSeq() > 0) {
            ins.setLong(13, r.targetSeq());
        } else {
            ins.setNull(13, java.sql.Types.BIGINT);
        }
        ins.setString(14, MessageRows.formatMentions(r.mentions()));
        if (recheck) {
            ins.setLong(15, r.senderId().value());
            ins.setLong(16, r.conversationId().value());
        }
        if (ins.executeUpdate() == 0) {
            throw new SQLException("the sender's membership changed while the append waited for the conversation",
                    Dialect.SERIALIZATION_FAILURE);
        }
        insertMentions(s, r, seq);
        if (r.kind().isAction()) {
            // On SQLite the indexer reads an edit's or a deletion's target again when it gets to it.
            ActionRows.apply(s, m);
        }
        if (!m.attachments().isEmpty()) {
            MessageAttachments.insert(s, m);
        }
        if (indexer == null) {
            MessageSearchIndex.add(s, m, indexed);
        }
        MessageSearchIndex.afterAction(s, m);
        return appended(s, r, m, kind, version);
    }

    /**
     * A plain entry (no membership change, action or reply) appended with one statement, from what
     * the writer remembers of the conversation ({@link HotConversations}): the seq follows the
     * remembered last seq, and a sender remembered as a member is one. Returns null, having
     * changed nothing, when the statements of {@link #appendIn} must decide instead: no such
     * conversation, or a sender who is not a current member (a retry of theirs is still answered
     * with the original entry, as there).
     *
     * <p>The client id is checked by the insert itself ({@code ON CONFLICT DO NOTHING} on its unique
     * index) rather than looked up first: nearly every send is new. Nothing inserted means the id
     * is taken, and only then is the original read.
     */
    private static AppendResult appendPlain(SqlSession s, HotConversations hot, AppendRequest r, String indexed,
                                            SearchNotes indexer)
            throws SQLException {
        HotConversations.Conversation c = hot.conversation(s, r.conversationId().value());
        if (c == null || !hot.isMember(s, c, r.senderId().value())) {
            return null;
        }
        long seq = c.lastSeq + 1;
        Message m = new Message(r.conversationId(), seq, r.createdAt(), r.senderId(), r.senderDeviceId(), r.clientId(),
                r.kind(), r.body(), r.title(), r.userIds(), r.role(), 0, null, r.targetSeq(), List.of(), 0, 0,
                null, r.mentions(), r.attachments());
        LoggedAppends logged = s.logged();
        if (logged != null && logged.keepsRowsOut()) {
            if (logged.takes(m) && r.targetSeq() == 0) {
                return appendKeptOut(s, hot, c, r, m, logged);
            }
            // A row SQLite holds at once: every kept-out row goes in before it (a barrier).
            logged.materializeAll(s);
        }
        PreparedStatement ins = s.prepare(MessageRows.INSERT_NEW);
        MessageRows.bind(ins, m);
        if (r.targetSeq() > 0) {
            ins.setLong(12, r.targetSeq());
        } else {
            ins.setNull(12, java.sql.Types.BIGINT);
        }
        ins.setString(13, MessageRows.formatMentions(r.mentions()));
        if (ins.executeUpdate() == 0) {
            Message original = r.clientId() == null ? null : byClientId(s, r);
            if (original == null) {
                // Not the client id: the seq was taken, so what the writer remembers is wrong (a
                // bug, or a write it was not told of). The batch rolls back, which forgets it all,
                // and runs again with the conversations loaded afresh.
                HotConversations.foundStale();
                throw new SQLException("seq " + seq + " of conversation " + c.id + " is already taken",
                        Dialect.SERIALIZATION_FAILURE);
            }
            return r.repeats(original) ? new AppendResult.Duplicate(original) : new AppendResult.ClientIdConflict(original);
        }
        hot.appended(c, seq, r.createdAt());
        if (logged != null) {
            logged.appended(m);
        }
        insertMentions(s, r, seq);
        if (!m.attachments().isEmpty()) {
            MessageAttachments.insert(s, m);
        }
        if (indexer == null) {
            MessageSearchIndex.add(s, m, indexed);
        }
        return appended(s, r, m, c.kind, c.membershipVersion);
    }

    /**
     * A plain append whose row is kept out of SQLite (the hot log's stage 3): the client id is
     * checked against the kept-out entries and then SQLite's, the seq taken from memory, and the
     * entry handed to the log; SQLite gets its row later ({@link PendingRows}).
     */
    private static AppendResult appendKeptOut(SqlSession s, HotConversations hot, HotConversations.Conversation c,
                                              AppendRequest r, Message m, LoggedAppends logged) throws SQLException {
        if (r.clientId() != null) {
            Message original = logged.original(c.id, r.senderId().value(), r.clientId());
            if (original == null) {
                original = byClientId(s, r);
            }
            if (original != null) {
                return r.repeats(original) ? new AppendResult.Duplicate(original)
                        : new AppendResult.ClientIdConflict(original);
            }
        }
        hot.appendedOut(c, m.seq(), m.createdAt());
        logged.appendedOut(m);
        return appended(s, r, m, c.kind, c.membershipVersion);
    }

    /**
     * The answer to an append that stored {@code m}: with the conversation's members when the
     * sender's device knows another membership version than {@code version}.
     */
    private static AppendResult appended(SqlSession s, AppendRequest r, Message m, ConversationKind kind, long version)
            throws SQLException {
        Membership current = null;
        if (r.knownMembershipVersion() >= 0 && r.knownMembershipVersion() != version) {
            current = new Membership(r.conversationId(), kind, MembershipChanges.currentRoles(s, r.conversationId()), version);
        }
        return new AppendResult.Appended(m, current);
    }

    private static void insertMentions(SqlSession s, AppendRequest r, long seq) throws SQLException {
        insertMentions(s, r.conversationId(), r.mentions(), seq);
    }

    static void insertMentions(SqlSession s, ConversationId conversation, List<dev.parley.core.message.Mention> mentions,
                               long seq) throws SQLException {
        for (dev.parley.core.message.Mention mention : mentions) {
            PreparedStatement mentioned = s.prepare("INSERT INTO mentioned (conversation_id, user_id, seq)"
                    + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
            mentioned.setLong(1, conversation.value());
            mentioned.setLong(2, mention.userId().value());
            mentioned.setLong(3, seq);
            mentioned.executeUpdate();
        }
    }

    /** The text message at {@code seq} as a reply quotes it, or null when there is none to quote. */
    static Quote quotable(SqlSession s, ConversationId c, long seq) throws SQLException {
        PreparedStatement ps = s.prepare("SELECT sender_id, kind, body, deleted_at FROM messages"
                + " WHERE conversation_id = ? AND seq = ?");
        ps.setLong(1, c.value());
        ps.setLong(2, seq);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next() || !MessageKind.TEXT.wire().equals(rs.getString(2))) {
                return null;
            }
            UserId sender = new UserId(rs.getLong(1));
            String excerpt = Quote.excerpt(rs.getString(3));
            rs.getLong(4);
            return new Quote(seq, sender, MessageKind.TEXT, excerpt, !rs.wasNull());
        }
    }

    private static boolean isMember(SqlSession s, AppendRequest r) throws SQLException {
        return roleOf(s, r) != null;
    }

    /** The sender's role as a current member of the conversation, or null when they are not one. */
    static Role roleOf(SqlSession s, AppendRequest r) throws SQLException {
        PreparedStatement ps = s.prepare("SELECT role FROM members WHERE conversation_id = ? AND user_id = ?"
                + " AND left_seq IS NULL");
        ps.setLong(1, r.conversationId().value());
        ps.setLong(2, r.senderId().value());
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Role.fromWire(rs.getString(1)) : null;
        }
    }

    /**
     * The entry already stored under the request's client id, or null. Asks for the seq alone
     * first: nearly every send is new, and the driver decodes every column's name on each query.
     */
    static Message byClientId(SqlSession s, AppendRequest r) throws SQLException {
        PreparedStatement ps = s.prepare("SELECT seq FROM messages WHERE conversation_id = ? AND sender_id = ?"
                + " AND client_id = ?");
        ps.setLong(1, r.conversationId().value());
        ps.setLong(2, r.senderId().value());
        ps.setString(3, r.clientId());
        long seq;
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            seq = rs.getLong(1);
        }
        PreparedStatement row = s.prepare("SELECT " + MessageRows.COLUMNS_WITH_QUOTE + MessageRows.FROM_WITH_QUOTE
                + " WHERE m.conversation_id = ? AND m.seq = ?");
        row.setLong(1, r.conversationId().value());
        row.setLong(2, seq);
        Message original;
        try (ResultSet rs = row.executeQuery()) {
            original = rs.next() ? MessageRows.readWithQuote(rs) : null;
        }
        return original == null ? null
                : MessageAttachments.fill(s, ReactionRows.attach(s, List.of(original))).getFirst();
    }

    @Override
    public CompletableFuture<AppendResult.Appended> createGroup(ConversationId id, UserId owner, DeviceId ownerDevice,
                                                               String title, List<UserId> members, long now,
                                                               Consumer<? super AppendResult.Appended> onCommit) {
        Database db = shards.forConversation(id);
        SearchNotes indexer = indexerOf(db);
        if (indexer == null) {
            return db.write(id.value(), s -> MembershipChanges.create(s, id, owner, ownerDevice, title, members, now),
                    onCommit);
        }
        return db.write(id.value(), s -> MembershipChanges.create(s, id, owner, ownerDevice, title, members, now),
                created -> {
                    onCommit.accept(created);
                    indexer.appended(created.message(), null);
                });
    }

    @Override
    public long deleteOlderThan(long cutoffMillis) {
        long deleted = 0;
        for (Database db : shards.all()) {
            deleted += deleteOlderThan(db, cutoffMillis);
        }
        return deleted;
    }

    private long deleteOlderThan(Database db, long cutoffMillis) {
        // Conversations created after the cutoff cannot hold older entries.
        List<Long> candidates = db.read(s -> {
            PreparedStatement ps = s.prepare("SELECT id FROM conversations WHERE created_at < ?");
            ps.setLong(1, cutoffMillis);
            List<Long> ids = new java.util.ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        });
        long deleted = 0;
        for (long id : candidates) {
            long upTo = db.read(s -> {
                PreparedStatement ps = s.prepare("SELECT max(seq) FROM messages WHERE conversation_id = ? AND created_at < ?");
                ps.setLong(1, id);
                ps.setLong(2, cutoffMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            });
            if (upTo > 0) {
                SearchNotes indexer = indexerOf(db);
                Deleted d = Futures.await(db.write(id, s -> {
                    if (indexer != null) {
                        indexer.changed(id);
                    }
                    for (String table : new String[]{"reactions", "mentioned"}) {
                        PreparedStatement beside = s.prepare("DELETE FROM " + table
                                + " WHERE conversation_id = ? AND seq <= ?");
                        beside.setLong(1, id);
                        beside.setLong(2, upTo);
                        beside.executeUpdate();
                    }
                    List<Long> carried = new java.util.ArrayList<>();
                    PreparedStatement find = s.prepare("SELECT DISTINCT attachment_id FROM message_attachments"
                            + " WHERE conversation_id = ? AND seq <= ?");
                    find.setLong(1, id);
                    find.setLong(2, upTo);
                    try (ResultSet rs = find.executeQuery()) {
                        while (rs.next()) {
                            carried.add(rs.getLong(1));
                        }
                    }
                    PreparedStatement links = s.prepare("DELETE FROM message_attachments WHERE conversation_id = ?"
                            + " AND seq <= ?");
                    links.setLong(1, id);
                    links.setLong(2, upTo);
                    links.executeUpdate();
                    if (indexer == null) {
                        MessageSearchIndex.removeUpTo(s, id, upTo);
                    } else {
                        MessageSearchIndex.purgeLater(s, id, 0, upTo, indexer.purgedUpTo());
                    }
                    PreparedStatement del = s.prepare("DELETE FROM messages WHERE conversation_id = ? AND seq <= ?");
                    del.setLong(1, id);
                    del.setLong(2, upTo);
                    return new Deleted(del.executeUpdate(), carried);
                }));
                deleted += d.entries();
                unsend(d.attachments());
            }
        }
        return deleted;
    }

    private record Deleted(long entries, List<Long> attachments) {
    }

    /**
     * Marks uploads whose carrying entries were deleted as unsent again, so the attachment
     * sweeper removes them (and their bytes) unless another entry still carries them.
     */
    private void unsend(List<Long> attachments) {
        for (long attachment : attachments) {
            Futures.await(shards.forKey(attachment).write(attachment, s -> {
                PreparedStatement ps = s.prepare("UPDATE attachments SET sent_at = NULL WHERE id = ?");
                ps.setLong(1, attachment);
                return ps.executeUpdate();
            }));
        }
    }

    @Override
    public long eraseText(ConversationId conversation, UserId sender) {
        Database db = shards.forConversation(conversation);
        SearchNotes indexer = indexerOf(db);
        Deleted d = Futures.await(db.write(conversation.value(), s -> {
            if (indexer == null) {
                MessageSearchIndex.removeBySender(s, conversation.value(), sender.value());
            } else {
                indexer.changed(conversation.value());
                MessageSearchIndex.purgeLater(s, conversation.value(), sender.value(), 0, indexer.purgedUpTo());
            }
            // The files go with the text: nobody but their owner (gone) can fetch them any more.
            String bySender = " FROM message_attachments WHERE conversation_id = ? AND seq IN (SELECT seq FROM messages"
                    + " WHERE conversation_id = ? AND sender_id = ? AND kind = 'text')";
            List<Long> carried = new java.util.ArrayList<>();
            PreparedStatement find = s.prepare("SELECT DISTINCT attachment_id" + bySender);
            find.setLong(1, conversation.value());
            find.setLong(2, conversation.value());
            find.setLong(3, sender.value());
            try (ResultSet rs = find.executeQuery()) {
                while (rs.next()) {
                    carried.add(rs.getLong(1));
                }
            }
            PreparedStatement links = s.prepare("DELETE" + bySender);
            links.setLong(1, conversation.value());
            links.setLong(2, conversation.value());
            links.setLong(3, sender.value());
            links.executeUpdate();
            PreparedStatement ps = s.prepare("UPDATE messages SET body = NULL WHERE conversation_id = ? AND sender_id = ?"
                    + " AND kind IN ('text', 'edited') AND body IS NOT NULL");
            ps.setLong(1, conversation.value());
            ps.setLong(2, sender.value());
            return new Deleted(ps.executeUpdate(), carried);
        }));
        unsend(d.attachments());
        return d.entries();
    }

    @Override
    public List<Message> range(ConversationId id, long afterSeq, long upToSeq, int limit) {
        Database db = shards.forConversation(id);
        // The hot log's tail first, then SQLite's rows up to its materialized seq (TailView).
        TailView tail = TailReads.of(db, id);
        long sqliteUpTo = TailReads.sqliteUpTo(tail, upToSeq);
        List<Message> rows = db.read(s -> {
            PreparedStatement ps = s.prepare("SELECT " + MessageRows.COLUMNS_WITH_QUOTE + MessageRows.FROM_WITH_QUOTE
                    + " WHERE m.conversation_id = ? AND m.seq > ? AND m.seq <= ? ORDER BY m.seq LIMIT ?");
            ps.setLong(1, id.value());
            ps.setLong(2, afterSeq);
            ps.setLong(3, sqliteUpTo);
            ps.setInt(4, limit);
            return MessageAttachments.fill(s, ReactionRows.attach(s, MessageRows.readAllWithQuotes(ps)));
        });
        return TailReads.after(rows, tail, afterSeq, upToSeq, limit);
    }

    @Override
    public int countUnread(ConversationId id, UserId reader, long afterSeq, long upToSeq, int cap) {
        Database db = shards.forConversation(id);
        TailView tail = TailReads.of(db, id);
        long sqliteUpTo = TailReads.sqliteUpTo(tail, upToSeq);
        int inSqlite = db.read(s -> {
            PreparedStatement ps = s.prepare("SELECT count(*) FROM (SELECT 1 FROM messages WHERE conversation_id = ?"
                    + " AND seq > ? AND seq <= ? AND kind = 'text' AND sender_id <> ? LIMIT ?) AS unread");
            ps.setLong(1, id.value());
            ps.setLong(2, afterSeq);
            ps.setLong(3, sqliteUpTo);
            ps.setLong(4, reader.value());
            ps.setInt(5, cap);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
        return tail == null ? inSqlite : Math.min(cap, inSqlite + TailReads.unread(tail, reader, afterSeq, upToSeq));
    }

    @Override
    public boolean mentions(ConversationId id, UserId user, long afterSeq, long upToSeq) {
        Database db = shards.forConversation(id);
        TailView tail = TailReads.of(db, id);
        if (TailReads.mentions(tail, user, afterSeq, upToSeq)) {
            return true;
        }
        long sqliteUpTo = TailReads.sqliteUpTo(tail, upToSeq);
        return db.read(s -> {
            PreparedStatement ps = s.prepare("SELECT 1 FROM mentioned WHERE conversation_id = ? AND user_id = ?"
                    + " AND seq > ? AND seq <= ? LIMIT 1");
            ps.setLong(1, id.value());
            ps.setLong(2, user.value());
            ps.setLong(3, afterSeq);
            ps.setLong(4, sqliteUpTo);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        });
    }

    @Override
    public List<Message> before(ConversationId id, long beforeSeq, long upToSeq, int limit) {
        Database db = shards.forConversation(id);
        // The newest first: the hot log's tail, then SQLite's rows up to its materialized seq (TailView).
        TailView tail = TailReads.of(db, id);
        List<Message> newest = TailReads.newestBefore(tail, beforeSeq, upToSeq, limit);
        if (tail != null && newest.size() == limit) {
            return newest;
        }
        long sqliteUpTo = TailReads.sqliteUpTo(tail, upToSeq);
        int left = limit - newest.size();
        List<Message> page = db.read(s -> {
            PreparedStatement ps = s.prepare("SELECT " + MessageRows.COLUMNS_WITH_QUOTE + MessageRows.FROM_WITH_QUOTE
                    + " WHERE m.conversation_id = ? AND m.seq < ? AND m.seq <= ? ORDER BY m.seq DESC LIMIT ?");
            ps.setLong(1, id.value());
            ps.setLong(2, beforeSeq);
            ps.setLong(3, sqliteUpTo);
            ps.setInt(4, left);
            return MessageAttachments.fill(s, ReactionRows.attach(s, MessageRows.readAllWithQuotes(ps)));
        });
        page = new java.util.ArrayList<>(page);
        Collections.reverse(page);
        page.addAll(newest);
        return page;
    }
}
