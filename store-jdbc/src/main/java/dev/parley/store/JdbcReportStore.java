package dev.parley.store;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.Message;
import dev.parley.core.report.Report;
import dev.parley.core.report.ReportReason;
import dev.parley.core.report.ReportStore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reports in {@code reports} and the entries they copied in {@code report_entries}, both on the
 * shard of the report's id, written in one transaction. Lists and counts ask every shard.
 */
public final class JdbcReportStore implements ReportStore {
    private static final String COLUMNS = "id, reporter_id, subject_id, conversation_id, reason, note, created_at,"
            + " resolved_at";
    private static final String ENTRY_COLUMNS = MessageRows.COLUMNS;

    private final Shards shards;

    public JdbcReportStore(Shards shards) {
        this.shards = shards;
    }

    @Override
    public void create(Report r) {
        Futures.await(shards.forKey(r.id()).write(r.id(), s -> {
            PreparedStatement ps = s.prepare("INSERT INTO reports (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, 0)");
            ps.setLong(1, r.id());
            ps.setLong(2, r.reporter().value());
            ps.setLong(3, r.subject().value());
            if (r.conversationId() == null) {
                ps.setNull(4, java.sql.Types.BIGINT);
            } else {
                ps.setLong(4, r.conversationId().value());
            }
            ps.setString(5, r.reason().wire());
            ps.setString(6, r.note());
            ps.setLong(7, r.createdAt());
            ps.executeUpdate();
            PreparedStatement entry = s.prepare("INSERT INTO report_entries (report_id, " + ENTRY_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            for (Message m : r.entries()) {
                entry.setLong(1, r.id());
                MessageRows.bind(entry, m, 1);
                entry.executeUpdate();
            }
            return null;
        }));
    }

    @Override
    public Optional<Report> find(long id) {
        return shards.forKey(id).read(s -> {
            PreparedStatement ps = s.prepare("SELECT " + COLUMNS + " FROM reports WHERE id = ?");
            ps.setLong(1, id);
            List<Report> found = reports(s, ps);
            return found.isEmpty() ? Optional.<Report>empty() : Optional.of(found.getFirst());
        });
    }

    @Override
    public List<Report> list(boolean openOnly, int limit) {
        List<Report> all = new ArrayList<>();
        for (Database db : shards.all()) {
            all.addAll(db.read(s -> {
                PreparedStatement ps = s.prepare("SELECT " + COLUMNS + " FROM reports"
                        + (openOnly ? " WHERE resolved_at = 0" : "") + " ORDER BY created_at DESC, id DESC LIMIT ?");
                ps.setInt(1, limit);
                return reports(s, ps);
            }));
        }
        all.sort(Comparator.comparingLong(Report::createdAt).thenComparingLong(Report::id).reversed());
        return all.size() > limit ? new ArrayList<>(all.subList(0, limit)) : all;
    }

    private static List<Report> reports(SqlSession s, PreparedStatement ps) throws SQLException {
        record Row(long id, long reporter, long subject, long conversation, String reason, String note, long createdAt,
                   long resolvedAt) {
        }
        List<Row> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Row(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
                        rs.getString(6), rs.getLong(7), rs.getLong(8)));
            }
        }
        List<Report> out = new ArrayList<>(rows.size());
        PreparedStatement entries = s.prepare("SELECT " + ENTRY_COLUMNS + " FROM report_entries WHERE report_id = ?"
                + " ORDER BY conversation_id, seq");
        for (Row r : rows) {
            entries.setLong(1, r.id());
            List<Message> copied = MessageRows.readAll(entries);
            out.add(new Report(r.id(), new UserId(r.reporter()), new UserId(r.subject()),
                    r.conversation() == 0 ? null : new ConversationId(r.conversation()), ReportReason.fromWire(r.reason()),
                    r.note(), r.createdAt(), r.resolvedAt(), copied));
        }
        return out;
    }

    @Override
    public boolean resolve(long id, long now) {
        return Futures.await(shards.forKey(id).write(id, s -> {
            PreparedStatement ps = s.prepare("UPDATE reports SET resolved_at = ? WHERE id = ? AND resolved_at = 0");
            ps.setLong(1, now);
            ps.setLong(2, id);
            return ps.executeUpdate() == 1;
        }));
    }

    @Override
    public int countSince(UserId reporter, long since) {
        int n = 0;
        for (Database db : shards.all()) {
            n += db.read(s -> {
                PreparedStatement ps = s.prepare("SELECT count(*) FROM reports WHERE reporter_id = ? AND created_at >= ?");
                ps.setLong(1, reporter.value());
                ps.setLong(2, since);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
        }
        return n;
    }
}
