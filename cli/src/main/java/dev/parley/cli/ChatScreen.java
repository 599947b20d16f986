package dev.parley.cli;

import dev.parley.sdk.ChatMessage;
import dev.parley.sdk.ConnectionState;
import dev.parley.sdk.Conversation;
import dev.parley.sdk.ConversationKind;
import dev.parley.sdk.ConversationSummary;
import dev.parley.sdk.EntryKind;
import dev.parley.sdk.Member;
import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.ParleyException;
import dev.parley.sdk.ParleyListener;
import dev.parley.sdk.PositionStore;
import dev.parley.sdk.Presence;
import dev.parley.sdk.Receipt;
import dev.parley.sdk.Session;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The interactive client without the terminal: the conversation list with unread counts and
 * presence, the open conversation with its messages, their sent / delivered / read marks and who
 * is typing. SDK events (it is the client's {@link ParleyListener}) and input lines (from
 * {@link #handle}) change it; {@link #render} draws it as lines of text.
 *
 * <p>Threading: SDK events arrive on the SDK thread and input on the caller's; state is guarded
 * by this object's lock, and REST calls are made outside it. The change callback runs after every
 * change, outside the lock.
 */
public final class ChatScreen implements ParleyListener {
    static final String SENT = "✓";
    static final String DELIVERED = "✓✓";
    static final String READ = "✓✓ read";
    static final String SENDING = "…";
    static final String ONLINE = "●";
    static final String OFFLINE = "○";
    private static final int HISTORY_PAGE = 50;
    /** Entries kept per conversation, newest last. */
    private static final int KEEP = 200;
    private static final long TYPING_REPEAT_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");

    /** One line of the conversation list. */
    private static final class Row {
        final long id;
        final ConversationKind kind;
        String name;
        long peerId;
        int unread;
        long lastActivity;
        String preview = "";

        Row(long id, ConversationKind kind, String name) {
            this.id = id;
            this.kind = kind;
            this.name = name;
        }
    }

    private final Session me;
    private final ZoneId zone;
    private ParleyClient client;
    private volatile Runnable onChange = () -> { };

    private final Map<Long, Row> rows = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private final Map<Long, Boolean> online = new HashMap<>();
    private final Map<Long, TreeMap<Long, ChatMessage>> entries = new HashMap<>();
    private final Map<Long, Map<Long, Receipt>> receipts = new HashMap<>();
    private final Map<Long, List<Long>> members = new HashMap<>();
    private final Map<Long, Set<Long>> typing = new HashMap<>();
    /** Own sends not yet confirmed, by conversation, then client id to body. */
    private final Map<Long, LinkedHashMap<String, String>> outgoing = new HashMap<>();
    private long openId;
    private String notice = "";
    private ConnectionState state = ConnectionState.IDLE;
    private long lastTypingNanos;
    private boolean typingSent;

    public ChatScreen(Session me, ZoneId zone) {
        this.me = me;
        this.zone = zone;
        names.put(me.userId(), me.username());
    }

    /** The client this screen talks through; set before it connects. */
    public void attach(ParleyClient client) {
        this.client = client;
    }

    /** Called after every change, for the front end to redraw. */
    public void onChange(Runnable callback) {
        this.onChange = callback;
    }

    /**
     * Loads the conversation list and records each conversation's last seq in {@code positions},
     * so the connection delivers only what follows (older entries come from history on opening).
     */
    public void load(PositionStore positions) {
        List<ConversationSummary> all = client.allConversations();
        synchronized (this) {
            for (ConversationSummary s : all) {
                Row row = new Row(s.conversationId(), s.kind(), s.displayName());
                row.unread = s.unread();
                row.lastActivity = s.lastActivityAt();
                if (s.peer() != null) {
                    row.peerId = s.peer().userId();
                    names.put(s.peer().userId(), s.peer().username());
                }
                if (s.lastMessage() != null) {
                    row.preview = preview(s.lastMessage());
                }
                rows.put(row.id, row);
                positions.save(s.conversationId(), s.lastSeq());
            }
        }
        watchPeers();
        changed();
    }

    // ---- input -------------------------------------------------------------------------------

    /** Takes one line the user typed; false when the user asked to quit. */
    public boolean handle(String line) {
        String text = line == null ? "" : line.strip();
        if (text.isEmpty()) {
            return true;
        }
        try {
            if (text.startsWith("/")) {
                return command(text);
            }
            long id;
            synchronized (this) {
                id = openId;
                if (id == 0) {
                    notice = "open a conversation first: /open NAME";
                }
            }
            if (id != 0) {
                send(id, text);
            }
        } catch (ParleyException e) {
            synchronized (this) {
                notice = "refused: " + e.getMessage();
            }
        }
        changed();
        return true;
    }

    private boolean command(String text) {
        List<String> words = words(text);
        String name = words.getFirst();
        switch (name) {
            case "/quit", "/exit" -> {
                return false;
            }
            case "/open" -> {
                if (words.size() < 2) {
                    setNotice("usage: /open NAME (a user, a group's title, or a number from the list)");
                } else {
                    open(String.join(" ", words.subList(1, words.size())));
                }
            }
            case "/list", "/back" -> {
                synchronized (this) {
                    openId = 0;
                    notice = "";
                }
            }
            case "/group" -> {
                if (words.size() < 2) {
                    setNotice("usage: /group TITLE USER... (quote a title with spaces)");
                } else {
                    Conversation group = client.createGroup(words.get(1), words.subList(2, words.size()));
                    openConversation(group.conversationId());
                }
            }
            case "/help" -> setNotice("/open NAME · /list · /group TITLE USER... · /quit");
            default -> setNotice("unknown command " + name + "; /help lists them");
        }
        return true;
    }

    /** The user pressed a key in the input line: tell the others, at most every few seconds. */
    public void keystroke() {
        long id;
        long now = System.nanoTime();
        synchronized (this) {
            id = openId;
            if (id == 0 || (typingSent && now - lastTypingNanos < TYPING_REPEAT_NANOS)) {
                return;
            }
            lastTypingNanos = now;
            typingSent = true;
        }
        client.typing(id, true);
    }

    private void send(long conversationId, String body) {
        String clientId = UUID.randomUUID().toString();
        boolean stopTyping;
        synchronized (this) {
            outgoing.computeIfAbsent(conversationId, k -> new LinkedHashMap<>()).put(clientId, body);
            stopTyping = typingSent;
            typingSent = false;
        }
        if (stopTyping) {
            client.typing(conversationId, false);
        }
        client.send(conversationId, clientId, body).whenComplete((sent, err) -> {
            if (err != null) {
                synchronized (this) {
                    LinkedHashMap<String, String> out = outgoing.get(conversationId);
                    if (out != null) {
                        out.remove(clientId);
                    }
                    notice = "not sent: " + (err.getCause() != null ? err.getCause().getMessage() : err.getMessage());
                }
                changed();
            }
        });
    }

    private void open(String target) {
        Long id = null;
        synchronized (this) {
            List<Row> ordered = ordered();
            if (target.chars().allMatch(Character::isDigit)) {
                int n = Integer.parseInt(target);
                if (n >= 1 && n <= ordered.size()) {
                    id = ordered.get(n - 1).id;
                }
            }
            for (Row r : ordered) {
                if (id == null && r.name.equalsIgnoreCase(target)) {
                    id = r.id;
                }
            }
        }
        if (id == null) {
            id = client.openDirect(target).conversationId();
        }
        openConversation(id);
    }

    private void openConversation(long id) {
        Conversation c = client.conversation(id);
        List<ChatMessage> page = client.history(id, null, null, HISTORY_PAGE).messages();
        synchronized (this) {
            Row row = rowFor(c);
            row.unread = 0;
            learn(c);
            TreeMap<Long, ChatMessage> kept = entries.computeIfAbsent(id, k -> new TreeMap<>());
            for (ChatMessage m : page) {
                kept.put(m.seq(), m);
            }
            trim(kept);
            openId = id;
            notice = "";
            typingSent = false;
        }
        if (c.lastSeq() > 0) {
            client.markRead(id, c.lastSeq());
        }
        watchPeers();
    }

    // ---- SDK events (the SDK thread) --------------------------------------------------------

    @Override
    public void onMessage(ChatMessage m) {
        boolean known;
        synchronized (this) {
            known = rows.containsKey(m.conversationId());
        }
        boolean membership = m.kind() != EntryKind.TEXT;
        Conversation fresh = null;
        if (!known || membership) {
            // A conversation we did not list (someone wrote first), or its members changed: ask who is in it.
            try {
                fresh = client.conversation(m.conversationId());
            } catch (ParleyException e) {
                fresh = null; // removed from it meanwhile; the entry still shows
            }
        }
        boolean markRead = false;
        synchronized (this) {
            Row row = fresh != null ? rowFor(fresh) : rows.get(m.conversationId());
            if (fresh != null) {
                learn(fresh);
            }
            TreeMap<Long, ChatMessage> kept = entries.computeIfAbsent(m.conversationId(), k -> new TreeMap<>());
            kept.put(m.seq(), m);
            trim(kept);
            if (m.clientId() != null && m.senderId() == me.userId()) {
                LinkedHashMap<String, String> out = outgoing.get(m.conversationId());
                if (out != null) {
                    out.remove(m.clientId());
                }
            }
            if (row != null) {
                row.lastActivity = Math.max(row.lastActivity, m.ts());
                row.preview = preview(m);
                if (m.kind() == EntryKind.RENAMED) {
                    row.name = m.title();
                }
                if (m.senderId() != me.userId() && m.isText()) {
                    if (openId == m.conversationId()) {
                        markRead = true;
                    } else {
                        row.unread++;
                    }
                }
            }
            Set<Long> typers = typing.get(m.conversationId());
            if (typers != null) {
                typers.remove(m.senderId());
            }
        }
        if (markRead) {
            client.markRead(m.conversationId(), m.seq());
        }
        if (!known) {
            watchPeers();
        }
        changed();
    }

    @Override
    public void onReceipt(Receipt r) {
        synchronized (this) {
            receipts.computeIfAbsent(r.conversationId(), k -> new HashMap<>()).merge(r.userId(), r,
                    (a, b) -> new Receipt(a.conversationId(), a.userId(), Math.max(a.delivered(), b.delivered()),
                            Math.max(a.read(), b.read())));
        }
        changed();
    }

    @Override
    public void onTyping(long conversationId, long userId, boolean on) {
        synchronized (this) {
            Set<Long> typers = typing.computeIfAbsent(conversationId, k -> new HashSet<>());
            if (on) {
                typers.add(userId);
            } else {
                typers.remove(userId);
            }
        }
        changed();
    }

    @Override
    public void onPresence(Presence p) {
        synchronized (this) {
            online.put(p.userId(), p.online());
        }
        changed();
    }

    @Override
    public void onResync(long conversationId, long latestSeq) {
        synchronized (this) {
            entries.remove(conversationId);
        }
        changed();
    }

    @Override
    public void onConnectionState(ConnectionState s) {
        synchronized (this) {
            state = s;
            if (s == ConnectionState.AUTH_FAILED || s == ConnectionState.LOGGED_OUT) {
                notice = "this login is no longer valid: /quit, then run 'parley login'";
            }
        }
        changed();
    }

    // ---- drawing -----------------------------------------------------------------------------

    /** The screen as lines of text, at most {@code height} of them. */
    public synchronized List<String> render(int height) {
        List<String> out = new ArrayList<>();
        out.add("Parley · " + me.username() + " · " + state.name().toLowerCase(Locale.ROOT));
        List<String> body = new ArrayList<>();
        if (openId == 0) {
            out.add("Conversations");
            List<Row> ordered = ordered();
            if (ordered.isEmpty()) {
                body.add("  (none yet: /open USER to start one)");
            }
            for (int i = 0; i < ordered.size(); i++) {
                Row r = ordered.get(i);
                body.add(String.format("%3d %s %-20s %6s  %s", i + 1, dot(r), r.name,
                        r.unread == 0 ? "" : "(" + (r.unread >= 999 ? "999+" : r.unread) + ")", r.preview));
            }
        } else {
            Row row = rows.get(openId);
            out.add(row == null ? "#" + openId : title(row));
            TreeMap<Long, ChatMessage> kept = entries.getOrDefault(openId, new TreeMap<>());
            for (ChatMessage m : kept.values()) {
                body.add(line(m));
            }
            for (String pending : outgoing.getOrDefault(openId, new LinkedHashMap<>()).values()) {
                body.add("[--:--] you: " + pending + "  " + SENDING);
            }
            String typers = typers(openId);
            if (!typers.isEmpty()) {
                body.add(typers);
            }
        }
        int room = Math.max(1, height - out.size() - 2);
        if (body.size() > room) {
            body = body.subList(body.size() - room, body.size());
        }
        out.addAll(body);
        out.add(notice.isEmpty() ? "" : "! " + notice);
        out.add(openId == 0 ? "/open NAME · /group TITLE USER... · /quit"
                : "/list · /open NAME · /group TITLE USER... · /quit");
        return out;
    }

    /** Everything {@link #render} shows, as one string; handy for tests. */
    public String text() {
        return String.join("\n", render(1000));
    }

    private String title(Row row) {
        if (row.kind == ConversationKind.DIRECT) {
            Boolean on = online.get(row.peerId);
            return "── " + row.name + " " + (on == null ? "" : on ? ONLINE + " online" : OFFLINE + " offline") + " ──";
        }
        return "── " + row.name + " · " + members.getOrDefault(row.id, List.of()).size() + " members ──";
    }

    private String dot(Row r) {
        if (r.kind == ConversationKind.GROUP) {
            return "#";
        }
        Boolean on = online.get(r.peerId);
        return on == null ? " " : on ? ONLINE : OFFLINE;
    }

    private String line(ChatMessage m) {
        String time = "[" + CLOCK.format(Instant.ofEpochMilli(m.ts()).atZone(zone)) + "] ";
        boolean mine = m.senderId() == me.userId();
        String who = mine ? "you" : name(m.senderId());
        if (!m.isText()) {
            return time + "* " + who + " " + EntryText.of(m, this::name);
        }
        return time + who + ": " + m.body() + (mine ? "  " + mark(m.conversationId(), m.seq()) : "");
    }

    /** Sent, delivered to every other member, or read by every other member. */
    private String mark(long conversationId, long seq) {
        Map<Long, Receipt> positions = receipts.getOrDefault(conversationId, Map.of());
        boolean delivered = true;
        boolean read = true;
        int others = 0;
        for (long member : members.getOrDefault(conversationId, List.of())) {
            if (member == me.userId()) {
                continue;
            }
            others++;
            Receipt r = positions.get(member);
            delivered &= r != null && r.delivered() >= seq;
            read &= r != null && r.read() >= seq;
        }
        if (others == 0) {
            return SENT;
        }
        return read ? READ : delivered ? DELIVERED : SENT;
    }

    private String typers(long conversationId) {
        Set<Long> who = typing.getOrDefault(conversationId, Set.of());
        if (who.isEmpty()) {
            return "";
        }
        List<String> list = who.stream().map(this::name).sorted().toList();
        return String.join(", ", list) + (list.size() == 1 ? " is" : " are") + " typing…";
    }

    // ---- bookkeeping (under the lock) --------------------------------------------------------

    private List<Row> ordered() {
        List<Row> list = new ArrayList<>(rows.values());
        list.sort(Comparator.comparingLong((Row r) -> r.lastActivity).reversed().thenComparingLong(r -> r.id));
        return list;
    }

    private Row rowFor(Conversation c) {
        Row row = rows.get(c.conversationId());
        if (row == null) {
            String name = c.title();
            long peer = 0;
            if (c.kind() == ConversationKind.DIRECT) {
                for (Member m : c.members()) {
                    if (m.userId() != me.userId()) {
                        peer = m.userId();
                        name = m.username();
                    }
                }
            }
            row = new Row(c.conversationId(), c.kind(), name == null ? "#" + c.conversationId() : name);
            row.peerId = peer;
            row.lastActivity = c.lastActivityAt();
            rows.put(row.id, row);
        }
        return row;
    }

    /** Takes in who is in the conversation and how far each has received and read. */
    private void learn(Conversation c) {
        List<Long> ids = new ArrayList<>();
        Map<Long, Receipt> positions = receipts.computeIfAbsent(c.conversationId(), k -> new HashMap<>());
        for (Member m : c.members()) {
            ids.add(m.userId());
            if (m.username() != null) {
                names.put(m.userId(), m.username());
            }
            positions.merge(m.userId(), new Receipt(c.conversationId(), m.userId(), m.delivered(), m.read()),
                    (a, b) -> new Receipt(a.conversationId(), a.userId(), Math.max(a.delivered(), b.delivered()),
                            Math.max(a.read(), b.read())));
        }
        members.put(c.conversationId(), ids);
    }

    private String preview(ChatMessage m) {
        String who = m.senderId() == me.userId() ? "you" : name(m.senderId());
        return m.isText() ? who + ": " + Columns.cell(m.body()) : "* " + who + " " + EntryText.of(m, this::name);
    }

    private String name(long userId) {
        String n = names.get(userId);
        return n != null ? n : "user:" + userId;
    }

    private static void trim(TreeMap<Long, ChatMessage> kept) {
        while (kept.size() > KEEP) {
            kept.pollFirstEntry();
        }
    }

    private void setNotice(String text) {
        synchronized (this) {
            notice = text;
        }
    }

    private void watchPeers() {
        Set<Long> users = new HashSet<>();
        synchronized (this) {
            for (Row r : rows.values()) {
                if (r.peerId != 0) {
                    users.add(r.peerId);
                }
            }
            if (openId != 0) {
                users.addAll(members.getOrDefault(openId, List.of()));
            }
            users.remove(me.userId());
        }
        client.watch(users);
    }

    private void changed() {
        onChange.run();
    }

    /** Splits a command line into words; double quotes keep spaces inside one word. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (any) {
                    out.add(word.toString());
                    word.setLength(0);
                    any = false;
                }
            } else {
                word.append(c);
                any = true;
            }
        }
        if (any) {
            out.add(word.toString());
        }
        return out;
    }
}
