import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The SQLite search indexer's transaction outside the node, per FTS5 table shape (issue 19): rounds
 * of one entry per conversation over 4,000 conversations, each round one transaction as
 * SearchIndexer writes it (each conversation's mark read and upserted, then the entries row and the
 * FTS5 row per entry, in time order), 1 KiB pages, WAL, synchronous NORMAL, the writer's 4 MiB
 * cache. Prints this thread's CPU per entry over the measured rounds (the checkpoint between
 * rounds is not counted).
 *
 * <pre>
 * java -cp ~/.m2/repository/org/xerial/sqlite-jdbc/3.51.1.0/sqlite-jdbc-3.51.1.0.jar \
 *     bench/fts/FtsVariants.java VARIANT [warmRounds measuredRounds [text [batched]]]
 * </pre>
 * VARIANT: full | cl | cl-col | cl-none | c-cs | c-cs-none | cs | none | cs-none | entries-only | fts-only | marks-only,
 * optionally with ",automerge=N", ",crisismerge=N", ",pgsz=N", ",noindex", ",convtoken"; text: generator | chat; batched:
 * each kind of statement once per round over a JSON array (json_each), as SearchIndexer now does.
 * Figures: docs/benchmarks.md, "SQLite search indexer per entry (branch fts)".
 */
public class FtsVariants {
    static final int CONVERSATIONS = 4_000;
    static final String[] WORDS = ("the a to and of you i it is in that for on be have this with we are "
            + "not do at so but was what can just all if like me get will about out your up meeting lunch "
            + "tomorrow tonight call later today thanks ok yes no maybe send file photo see soon love work "
            + "home late train office coffee weekend friday monday project review deploy server build test "
            + "release bug fix merge branch ticket doc design plan budget report slides").split(" ");

    public static void main(String[] args) throws Exception {
        String[] spec = args[0].split(",");
        String variant = spec[0];
        int warm = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int measured = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        String textKind = args.length > 3 ? args[3] : "generator";
        // "batched": each kind of statement once per round over a JSON array (json_each), ids given.
        boolean batched = args.length > 4 && args[4].equals("batched");
        // Flags: "noindex" drops the entries' unique index; "convtoken" puts a token of the
        // conversation (a private-use character and its id, which no query can produce) in each row.
        java.util.Set<String> flags = new java.util.HashSet<>(java.util.Arrays.asList(spec));
        Path dir = Files.createTempDirectory("fts-variants-");
        Path file = dir.resolve("t.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA page_size=1024");
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA synchronous=NORMAL");
                st.execute("PRAGMA cache_size=-4096");
                st.execute("PRAGMA wal_autocheckpoint=0");
                st.execute("CREATE TABLE conversations (id INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL)");
                st.execute("CREATE TABLE search_marks (conversation_id INTEGER PRIMARY KEY, indexed_seq INTEGER NOT NULL)");
                st.execute("CREATE TABLE message_search_entries (id INTEGER PRIMARY KEY, conversation_id INTEGER NOT NULL,"
                        + " seq INTEGER NOT NULL, created_at INTEGER NOT NULL)");
                if (!flags.contains("noindex")) {
                    st.execute("CREATE UNIQUE INDEX message_search_entries_by_entry ON message_search_entries (conversation_id, seq)");
                }
                String options = switch (variant) {
                    case "full", "entries-only", "marks-only" -> "";
                    case "fts-only" -> "";
                    case "cl" -> ", content='', contentless_delete=1";
                    case "cl-col" -> ", content='', contentless_delete=1, detail=column";
                    case "cl-none" -> ", content='', contentless_delete=1, detail=none";
                    // contentless_delete=1 is incompatible with columnsize=0: without it, rows are
                    // removed only by the 'delete' command with their exact text (measured for reference).
                    case "c-cs" -> ", content='', columnsize=0";
                    case "c-cs-none" -> ", content='', columnsize=0, detail=none";
                    case "cs-none" -> ", columnsize=0, detail=none";
                    case "cs" -> ", columnsize=0";
                    case "none" -> ", detail=none";
                    default -> throw new IllegalArgumentException(variant);
                };
                st.execute("CREATE VIRTUAL TABLE message_search USING fts5(text, tokenize = 'unicode61 remove_diacritics 0'"
                        + options + ")");
                for (int i = 1; i < spec.length; i++) {
                    String[] kv = spec[i].split("=");
                    if (kv.length == 1) {
                        continue;
                    }
                    st.execute("INSERT INTO message_search(message_search, rank) VALUES ('" + kv[0] + "', " + kv[1] + ")");
                }
                st.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + CONVERSATIONS + ")"
                        + " INSERT INTO conversations (id, last_seq) SELECT i, 0 FROM n");
            }
            c.setAutoCommit(false);
            boolean marks = !variant.equals("entries-only") && !variant.equals("fts-only");
            boolean entries = !variant.equals("fts-only") && !variant.equals("marks-only");
            boolean fts = !variant.equals("entries-only") && !variant.equals("marks-only");
            PreparedStatement ends = c.prepareStatement("SELECT c.last_seq, coalesce((SELECT indexed_seq FROM search_marks"
                    + " WHERE conversation_id = c.id), 0) FROM conversations c WHERE c.id = ?");
            PreparedStatement setMark = c.prepareStatement("INSERT INTO search_marks (conversation_id, indexed_seq) VALUES (?, ?)"
                    + " ON CONFLICT (conversation_id) DO UPDATE SET indexed_seq = excluded.indexed_seq");
            PreparedStatement entry = c.prepareStatement("INSERT INTO message_search_entries (conversation_id, seq, created_at)"
                    + " VALUES (?, ?, ?)");
            PreparedStatement ftsRow = c.prepareStatement(entries
                    ? "INSERT INTO message_search (rowid, text) VALUES (last_insert_rowid(), ?)"
                    : "INSERT INTO message_search (text) VALUES (?)");
            PreparedStatement checkpoint = c.prepareStatement("PRAGMA wal_checkpoint(TRUNCATE)");
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            Random random = new Random(19);
            List<Integer> order = new ArrayList<>();
            for (int i = 1; i <= CONVERSATIONS; i++) {
                order.add(i);
            }
            long seq = 0;
            long time = 1_700_000_000_000L;
            long cpu = 0;
            double[] perRound = new double[measured];
            for (int round = 0; round < warm + measured; round++) {
                Collections.shuffle(order, random);
                seq++;
                List<String> texts = new ArrayList<>(CONVERSATIONS);
                for (int i = 0; i < CONVERSATIONS; i++) {
                    String t = text(textKind, random);
                    texts.add(flags.contains("convtoken") ? "\uE000" + order.get(i) + " " + t : t);
                }
                long start = threads.getCurrentThreadCpuTime();
                if (batched) {
                    batchedRound(c, order, texts, seq, time, marks, entries, fts);
                    time += CONVERSATIONS;
                } else if (marks) {
                    for (int conv : order) {
                        ends.setLong(1, conv);
                        try (ResultSet rs = ends.executeQuery()) {
                            rs.next();
                            rs.getLong(1);
                            rs.getLong(2);
                        }
                        setMark.setLong(1, conv);
                        setMark.setLong(2, seq);
                        setMark.executeUpdate();
                    }
                }
                for (int i = 0; i < CONVERSATIONS && !batched; i++) {
                    int conv = order.get(i);
                    if (entries) {
                        entry.setLong(1, conv);
                        entry.setLong(2, seq);
                        entry.setLong(3, time++);
                        entry.executeUpdate();
                    }
                    if (fts) {
                        ftsRow.setString(1, texts.get(i));
                        ftsRow.executeUpdate();
                    }
                }
                c.commit();
                long spent = threads.getCurrentThreadCpuTime() - start;
                if (round >= warm) {
                    cpu += spent;
                    perRound[round - warm] = spent / 1e3 / CONVERSATIONS;
                }
                c.setAutoCommit(true);
                try (ResultSet rs = checkpoint.executeQuery()) {
                    rs.next();
                }
                c.setAutoCommit(false);
            }
            java.util.Arrays.sort(perRound);
            long pages;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA page_count")) {
                rs.next();
                pages = rs.getLong(1);
            }
            System.out.printf("%s %s: %.2f us per entry (median round %.2f), %d entries measured after %d, %d pages%n",
                    args[0], textKind, cpu / 1e3 / ((long) measured * CONVERSATIONS), perRound[measured / 2],
                    (long) measured * CONVERSATIONS, (long) warm * CONVERSATIONS, pages);
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static long nextId = 1;

    static void batchedRound(Connection c, List<Integer> order, List<String> texts, long seq, long time,
                             boolean marks, boolean entries, boolean fts) throws Exception {
        if (marks) {
            StringBuilder ids = new StringBuilder("[");
            for (int conv : order) {
                ids.append(ids.length() > 1 ? "," : "").append(conv);
            }
            ids.append(']');
            try (PreparedStatement ends = c.prepareStatement("SELECT c.id, c.last_seq, coalesce(k.indexed_seq, 0)"
                    + " FROM json_each(?) j JOIN conversations c ON c.id = j.value"
                    + " LEFT JOIN search_marks k ON k.conversation_id = c.id")) {
                ends.setString(1, ids.toString());
                try (ResultSet rs = ends.executeQuery()) {
                    while (rs.next()) {
                        rs.getLong(1);
                        rs.getLong(2);
                        rs.getLong(3);
                    }
                }
            }
            StringBuilder m = new StringBuilder("[");
            for (int conv : order) {
                m.append(m.length() > 1 ? "," : "").append('[').append(conv).append(',').append(seq).append(']');
            }
            m.append(']');
            try (PreparedStatement set = c.prepareStatement("INSERT INTO search_marks (conversation_id, indexed_seq)"
                    + " SELECT j.value ->> 0, j.value ->> 1 FROM json_each(?) j WHERE true"
                    + " ON CONFLICT (conversation_id) DO UPDATE SET indexed_seq = excluded.indexed_seq")) {
                set.setString(1, m.toString());
                set.executeUpdate();
            }
        }
        StringBuilder e = new StringBuilder("[");
        StringBuilder f = new StringBuilder("[");
        for (int i = 0; i < order.size(); i++) {
            long id = nextId++;
            e.append(e.length() > 1 ? "," : "").append('[').append(id).append(',').append(order.get(i)).append(',')
                    .append(seq).append(',').append(time + i).append(']');
            f.append(f.length() > 1 ? "," : "").append('[').append(id).append(",\"").append(texts.get(i)).append("\"]");
        }
        e.append(']');
        f.append(']');
        if (entries) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO message_search_entries (id, conversation_id, seq, created_at)"
                    + " SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3 FROM json_each(?) j")) {
                ps.setString(1, e.toString());
                ps.executeUpdate();
            }
        }
        if (fts) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO message_search (rowid, text)"
                    + " SELECT j.value ->> 0, j.value ->> 1 FROM json_each(?) j")) {
                ps.setString(1, f.toString());
                ps.executeUpdate();
            }
        }
    }

    static String text(String kind, Random random) {
        if (kind.equals("generator")) {
            // What `parley bench` sends, folded: "t=<nanos>;xxx..." is t, the nanos, and a run of x.
            return "t " + System.nanoTime() + " " + "x".repeat(44);
        }
        StringBuilder sb = new StringBuilder();
        int n = 4 + random.nextInt(12);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }
}
