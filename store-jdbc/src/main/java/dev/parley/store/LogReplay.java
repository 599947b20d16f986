package dev.parley.store;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.Mention;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.store.hotlog.HotLog;
import dev.parley.store.hotlog.HotLogSettings;
import dev.parley.store.hotlog.LogEntry;
import dev.parley.store.hotlog.LogMark;
import dev.parley.store.hotlog.LogPosition;
import dev.parley.store.hotlog.RecordKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens the hot log at SQLite's mark ({@code log_marks}) and puts the records past it into SQLite,
 * before the store takes writes (stage 2: docs/storage.md, "The hot log"). Those are the plain
 * appends of a transaction that wrote the log and then did not commit (a crash in between): never
 * acknowledged, so each is put in only where it still fits as the writer would have written it,
 * i.e. idempotently and without a gap: its seq is the conversation's next, its sender a current
 * member and its client id not taken. A record whose row exists is skipped, and so is one after a
 * gap (an entry of the same transaction that the log does not hold). The mark then moves to the
 * log's end in the same transaction, and the segments before it are retired.
 */
final class LogReplay {
    private static final Logger log = LoggerFactory.getLogger(LogReplay.class);
    private static final String MARK = "SELECT next_ordinal, segment_first, segment_offset FROM log_marks WHERE id = 1";
    private static final String CONVERSATION = "SELECT last_seq FROM conversations WHERE id = ?";
    private static final String MENTIONED = "INSERT INTO mentioned (conversation_id, user_id, seq) VALUES (?, ?, ?)"
            + " ON CONFLICT DO NOTHING";

    /** What a replay did: records read past the mark, and those put into SQLite. */
    record Replayed(int read, int inserted) {
    }

    private LogReplay() {
    }

    /**
     * Opens the log and replays it into {@code s} (a writing session outside any transaction),
     * committing; returns the open log, its owner from now on being the writer.
     */
    static HotLog open(HotLogSettings settings, SqlSession s) throws IOException, SQLException {
        s.connection().setAutoCommit(false);
        LogMark mark = mark(s);
        List<LogEntry> past = new ArrayList<>();
        HotLog hotLog = HotLog.open(settings, mark, (entry, at) -> past.add(entry));
        try {
            Replayed r = replay(s, past);
            LoggedAppends.moveMarkToEnd(s, hotLog);
            s.connection().commit();
            int retired = hotLog.retire(hotLog.nextOrdinal() - 1);
            log.info("hot log opened dir={} mark={} next={} replayed={} inserted={} retired_segments={}",
                    settings.dir(), mark.ordinal(), hotLog.nextOrdinal(), r.read(), r.inserted(), retired);
            return hotLog;
        } catch (SQLException | RuntimeException e) {
            try {
                s.connection().rollback();
                hotLog.close();
            } catch (IOException | SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    static LogMark mark(SqlSession s) throws SQLException {
        try (ResultSet rs = s.prepare(MARK).executeQuery()) {
            if (!rs.next()) {
                return LogMark.START;
            }
            long ordinal = rs.getLong(1);
            long segment = rs.getLong(2);
            boolean positioned = !rs.wasNull();
            int offset = rs.getInt(3);
            return new LogMark(ordinal, positioned ? new LogPosition(segment, offset) : null);
        }
    }

    /**
     * Puts each record into SQLite where it fits (see the class comment), in the caller's
     * transaction. Records of the same conversation and seq are tried last first: the writer gives
     * a seq again only after the transaction that logged it failed, so a later record is the one
     * that was acknowledged (with its rows kept out of SQLite, a failed transaction's records can lie
     * between the mark and acknowledged ones).
     */
    static Replayed replay(SqlSession s, List<LogEntry> entries) throws SQLException {
        Map<String, List<LogEntry>> bySeq = new LinkedHashMap<>();
        for (LogEntry e : entries) {
            if (e.kind() == RecordKind.TEXT) {
                bySeq.computeIfAbsent(e.conversation() + ":" + e.seq(), k -> new ArrayList<>(1)).add(e);
            }
        }
        int inserted = 0;
        for (List<LogEntry> same : bySeq.values()) {
            for (int i = same.size() - 1; i >= 0; i--) {
                if (putIfItFits(s, message(same.get(i)))) {
                    inserted++;
                    break;
                }
            }
        }
        return new Replayed(entries.size(), inserted);
    }

    private static boolean putIfItFits(SqlSession s, Message m) throws SQLException {
        return fits(s, m) && insert(s, m);
    }

    /** Whether the entry is its conversation's next, from a current member. */
    private static boolean fits(SqlSession s, Message e) throws SQLException {
        PreparedStatement c = s.prepare(CONVERSATION);
        c.setLong(1, e.conversationId().value());
        try (ResultSet rs = c.executeQuery()) {
            if (!rs.next() || rs.getLong(1) + 1 != e.seq()) {
                return false;
            }
        }
        PreparedStatement m = s.prepare(HotConversations.IS_MEMBER);
        m.setLong(1, e.conversationId().value());
        m.setLong(2, e.senderId().value());
        try (ResultSet rs = m.executeQuery()) {
            return rs.next();
        }
    }

    /** The plain text entry a record holds. */
    private static Message message(LogEntry e) {
        String mentions = LoggedAppends.mentions(e.rest());
        return new Message(new ConversationId(e.conversation()), e.seq(), e.time(), new UserId(e.sender()),
                e.device() == 0 ? null : new DeviceId(e.device()), e.clientId().isEmpty() ? null : e.clientId(),
                MessageKind.TEXT, e.body(), null, List.of(), null, 0, null, 0, List.of(), 0, 0, null,
                MessageRows.parseMentions(mentions), List.of());
    }

    /** Inserts the entry as the writer's plain append does; false if its client id is taken. */
    private static boolean insert(SqlSession s, Message m) throws SQLException {
        String mentions = MessageRows.formatMentions(m.mentions());
        long conversation = m.conversationId().value();
        PreparedStatement ins = s.prepare(MessageRows.INSERT_NEW);
        MessageRows.bind(ins, m);
        ins.setNull(12, java.sql.Types.BIGINT);
        ins.setString(13, mentions);
        if (ins.executeUpdate() == 0) {
            return false;
        }
        for (Mention mention : m.mentions()) {
            PreparedStatement ps = s.prepare(MENTIONED);
            ps.setLong(1, conversation);
            ps.setLong(2, mention.userId().value());
            ps.setLong(3, m.seq());
            ps.executeUpdate();
        }
        PreparedStatement store = s.prepare(HotConversations.STORE);
        store.setLong(1, m.seq());
        store.setLong(2, m.createdAt());
        store.setLong(3, conversation);
        store.executeUpdate();
        return true;
    }
}
