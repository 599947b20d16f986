package dev.parley.store;

import dev.parley.core.ChatException;
import dev.parley.core.account.UserId;
import dev.parley.core.message.Message;

import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Operator tasks on the embedded database: counts, an online backup, and the export of one
 * user's data. Reads run on the pooled read connections, beside live traffic.
 */
public final class SqliteAdministration {
    private final SqliteDatabase db;

    public SqliteAdministration(SqliteDatabase db) {
        this.db = db;
    }

    /** Row counts of the main tables. */
    public Map<String, Long> counts() {
        return db.read(s -> {
            Map<String, Long> out = new LinkedHashMap<>();
            for (String table : List.of("users", "devices", "conversations", "members", "messages")) {
                try (Statement st = s.connection().createStatement();
                     ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    out.put(table, rs.getLong(1));
                }
            }
            return out;
        });
    }

    /**
     * Writes a consistent copy of the whole database to {@code target} while the node keeps
     * running ({@code VACUUM INTO} reads one snapshot; writers are not blocked in WAL mode).
     * The target must not exist yet; it is created owner-only (0600), and so is any directory
     * made for it (0700).
     */
    public long backup(Path target) {
        Path file = target.toAbsolutePath();
        try {
            OwnerOnly.createDirectories(file.getParent());
        } catch (IOException e) {
            throw ChatException.invalid("cannot create " + file.getParent());
        }
        try {
            // Created here, empty, so that it is owner-only from the start: VACUUM INTO fills an
            // empty file, and would create a missing one readable by everyone.
            OwnerOnly.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw ChatException.invalid("backup target already exists: " + file);
        } catch (IOException e) {
            throw ChatException.invalid("cannot create " + file + ": " + e.getMessage());
        }
        materializeTheLog();
        // A connection of its own: the pooled readers are query-only, and VACUUM INTO writes.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.file());
             PreparedStatement ps = c.prepareStatement("VACUUM INTO ?")) {
            ps.setString(1, file.toString());
            ps.execute();
        } catch (SQLException e) {
            deleteQuietly(file);
            throw new ChatException(ChatException.Refusal.UNAVAILABLE, "backup failed: " + e.getMessage());
        }
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new ChatException(ChatException.Refusal.UNAVAILABLE, "backup written but unreadable: " + file);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the failure reported is the backup's
        }
    }

    /**
     * Checks that {@code file} is an intact Parley database: SQLite's integrity check passes and
     * the schema history is there. Returns the number of messages it holds.
     */
    public static long verifyBackup(Path file) throws SQLException {
        List<String> problems = SqliteIntegrity.fullCheck(file);
        if (!problems.isEmpty()) {
            throw new SQLException("integrity check failed: " + problems.getFirst());
        }
        SQLiteConfig readOnly = new SQLiteConfig();
        readOnly.setReadOnly(true);
        try (Connection c = readOnly.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
             Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success = 1")) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    throw new SQLException("not a Parley database: no schema history");
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM messages")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** What one user wrote and belongs to, for an export. */
    public record UserData(List<Map<String, Object>> devices, List<Map<String, Object>> conversations,
                           List<Message> messages) {
    }

    public UserData export(UserId user) {
        materializeTheLog();
        return db.read(s -> {
            List<Map<String, Object>> devices = rows(s, "SELECT id, name, created_at, last_seen_at, revoked_at FROM devices"
                    + " WHERE user_id = ? ORDER BY created_at", user.value());
            List<Map<String, Object>> conversations = rows(s, "SELECT c.id, c.kind, c.title, m.role, m.joined_seq, m.left_seq,"
                    + " m.delivered_seq, m.read_seq FROM members m JOIN conversations c ON c.id = m.conversation_id"
                    + " WHERE m.user_id = ? ORDER BY c.id", user.value());
            PreparedStatement ps = s.prepare("SELECT " + MessageRows.COLUMNS
                    + " FROM messages WHERE sender_id = ? ORDER BY conversation_id, seq");
            ps.setLong(1, user.value());
            return new UserData(devices, conversations, MessageRows.readAll(ps));
        });
    }

    /**
     * With the hot log on, acknowledged messages may wait for SQLite's commit behind it: an empty
     * write is a barrier that commits them, so the backup's snapshot and the export's read hold
     * everything acknowledged before they began.
     */
    private void materializeTheLog() {
        if (db.tailViews() != null) {
            Futures.await(db.write(0, s -> null, r -> { }));
        }
    }

    private static List<Map<String, Object>> rows(SqlSession s, String sql, long arg) throws SQLException {
        PreparedStatement ps = s.prepare(sql);
        ps.setLong(1, arg);
        List<Map<String, Object>> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= n; i++) {
                    row.put(camel(rs.getMetaData().getColumnLabel(i)), rs.getObject(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    private static String camel(String column) {
        StringBuilder sb = new StringBuilder();
        boolean up = false;
        for (char ch : column.toCharArray()) {
            if (ch == '_') {
                up = true;
            } else {
                sb.append(up ? Character.toUpperCase(ch) : ch);
                up = false;
            }
        }
        return sb.toString();
    }
}
