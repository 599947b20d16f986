package dev.parley.cli;

import dev.parley.sdk.ChatMessage;
import dev.parley.sdk.ConnectionState;
import dev.parley.sdk.Conversation;
import dev.parley.sdk.ConversationKind;
import dev.parley.sdk.ConversationSummary;
import dev.parley.sdk.EntryKind;
import dev.parley.sdk.HistoryPage;
import dev.parley.sdk.Member;
import dev.parley.sdk.User;
import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.ParleyException;
import dev.parley.sdk.ParleyListener;
import dev.parley.sdk.PositionStore;
import dev.parley.sdk.Presence;
import dev.parley.sdk.Receipt;
import dev.parley.sdk.Role;
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
    static final int HISTORY_PAGE = 50;
    /** Entries kept per conversation, newest last, for conversations not open. */
    private static final int KEEP = 200;
    /** Entries the open conversation may hold once paged back; the oldest go first beyond it. */
    private static final int SCROLLBACK = 5_000;
    /** Groups asked for their members at start so the list can name who wrote last; the rest as they change. */
    private static final int NAME_LOOKUPS_AT_START = 100;
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
        ChatMessage last;

        Row(long id, ConversationKind kind, String name) {
            this.id = id;
            this.kind = kind;
            this.name = name;
        }
    }

    private final Session me;
    private final ZoneId zone;
    private ParleyClient client;
    private SlashCommands commands;
    private volatile Runnable onChange = () -> { };

    private final Map<Long, Row> rows = new HashMap<>();
    private final UserNames names = new UserNames();
    private final Map<Long, Boolean> online = new HashMap<>();
    private final Map<Long, TreeMap<Long, ChatMessage>> entries = new HashMap<>();
    /** Each group's members by username, for the {@code @username} mentions typed in it. */
    private final Map<Long, Map<String, Long>> usernames = new HashMap<>();
    /** Conversations with history older than what is kept here. */
    private final Set<Long> olderOnNode = new HashSet<>();
    private final Map<Long, MemberPositions> positions = new HashMap<>();
    /** Groups this user left here; the entry recording it may still arrive. */
    private final Set<Long> left = new HashSet<>();
    private final Map<Long, Set<Long>> typing = new HashMap<>();
    /** Own sends not yet confirmed, by conversation, then client id to body. */
    private final Map<Long, LinkedHashMap<String, String>> outgoing = new HashMap<>();
    private long openId;
    private String notice = "";
    private ConnectionState state = ConnectionState.IDLE;
    private long lastTypingNanos;
    private boolean typingSent;
    /** Lines of the open conversation hidden below the view (0: the newest are shown). */
    private int scroll;
    /** Lines the last drawing had room for. */
    private int room = 20;

    public ChatScreen(Session me, ZoneId zone) {
        this.me = me;
        this.zone = zone;
        names.put(me.userId(), me.username());
    }

    /** The client this screen talks through; set before it connects. */
    public void attach(ParleyClient client) {
        this.client = client;
        this.commands = new SlashCommands(this, client);
    }

    /** Called after every change, for the front end to redraw. */
    public void onChange(Runnable callback) {
        this.onChange = callback;
    }

    /**
     * Loads the conversation list and records each conversation's last seq in {@code positions},
     * so the connection delivers only what follows (older entries come from history on opening).
     * Conversations with entries this user has not received yet are marked delivered up to their
     * last seq, as the connection would have done had it delivered them: the list has them.
     */
    public void load(PositionStore positionStore) {
        List<ConversationSummary> all = client.allConversations();
        List<Long> nameless = new ArrayList<>();
        synchronized (this) {
            for (ConversationSummary s : all) {
                if (s.peer() != null) {
                    names.put(s.peer().userId(), s.peer().shownName());
                }
            }
            for (ConversationSummary s : all) {
                if (s.kind() == ConversationKind.GROUP && s.lastMessage() != null && names.missesAny(s.lastMessage())
                        && nameless.size() < NAME_LOOKUPS_AT_START) {
                    nameless.add(s.conversationId());
                }
            }
        }
        List<Conversation> groups = new ArrayList<>();
        for (long id : nameless) {
            Conversation c = fetch(id);
            if (c != null) {
                groups.add(c);
            }
        }
        synchronized (this) {
            groups.forEach(this::learn);
            for (ConversationSummary s : all) {
                Row row = new Row(s.conversationId(), s.kind(), s.displayName());
                row.unread = s.unread();
                row.lastActivity = s.lastActivityAt();
                row.peerId = s.peer() != null ? s.peer().userId() : 0;
                row.last = s.lastMessage();
                rows.put(row.id, row);
                positionStore.save(s.conversationId(), s.lastSeq());
            }
        }
        for (ConversationSummary s : all) {
            if (s.delivered() < s.lastSeq()) {
                client.markDelivered(s.conversationId(), s.lastSeq());
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
                if (!commands.run(text)) {
                    return false;
                }
            } else {
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
            }
        } catch (ParleyException e) {
            setNotice("refused: " + e.getMessage());
        } catch (Usage e) {
            setNotice(e.getMessage());
        }
        changed();
        return true;
    }

    /** A command that cannot run as typed; its message is shown as it is. */
    static final class Usage extends RuntimeException {
        Usage(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The input line now reads {@code input}: tells the others this user is typing, at most every
     * few seconds. A line that starts with {@code /} is a command for this client, not a message,
     * so it is not announced (and a message turned into a command stops the announcement).
     */
    public void typed(String input) {
        long id;
        boolean on = !input.startsWith("/");
        long now = System.nanoTime();
        synchronized (this) {
            id = openId;
            if (id == 0 || (on && typingSent && now - lastTypingNanos < TYPING_REPEAT_NANOS) || (!on && !typingSent)) {
                return;
            }
            lastTypingNanos = now;
            typingSent = on;
        }
        client.typing(id, on);
    }

    /** Shows a page of earlier lines of the open conversation, reading older history when it runs out. */
    public void pageUp() {
        long id;
        boolean needOlder;
        synchronized (this) {
            id = openId;
            if (id == 0) {
                return;
            }
            int hiddenAbove = body(id).size() - room - scroll;
            needOlder = hiddenAbove < page() && olderOnNode.contains(id);
        }
        if (needOlder) {
            loadOlder(id);
        }
        synchronized (this) {
            if (openId == id) {
                scroll = Math.max(0, Math.min(scroll + page(), body(id).size() - room));
            }
        }
        changed();
    }

    /** Shows a page of later lines of the open conversation. */
    public void pageDown() {
        synchronized (this) {
            scroll = Math.max(0, scroll - page());
        }
        changed();
    }

    private int page() {
        return Math.max(1, room - 1);
    }

    private void send(long conversationId, String body) {
        String clientId = UUID.randomUUID().toString();
        boolean stopTyping;
        synchronized (this) {
            outgoing.computeIfAbsent(conversationId, k -> new LinkedHashMap<>()).put(clientId, body);
            stopTyping = typingSent;
            typingSent = false;
            scroll = 0;
        }
        if (stopTyping) {
            client.typing(conversationId, false);
        }
        List<ChatMessage.Mention> mentions;
        synchronized (this) {
            mentions = MentionFinder.find(body, usernames.getOrDefault(conversationId, Map.of()));
        }
        client.send(conversationId, clientId, body, 0, mentions).whenComplete((sent, err) -> {
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

    // ---- what the slash commands use ---------------------------------------------------------

    /**
     * The {@code n}th latest message of the open conversation (1: the newest), which a reply,
     * reaction, edit or deletion names.
     */
    synchronized ChatMessage nthLatest(int n, String usage) {
        if (openId == 0) {
            throw new Usage("open a conversation first: /open NAME");
        }
        int i = 0;
        for (ChatMessage m : entries.getOrDefault(openId, new TreeMap<>()).descendingMap().values()) {
            if (m.isText() && ++i == n) {
                return m;
            }
        }
        throw new Usage("no message " + n + " here (1 is the latest); usage: " + usage);
    }

    /** Runs an action on a message; its outcome (or refusal) shows as the notice. */
    void act(String done, java.util.concurrent.CompletableFuture<dev.parley.sdk.SentMessage> action) {
        action.whenComplete((sent, err) -> {
            synchronized (this) {
                if (err != null) {
                    Throwable cause = err.getCause() != null ? err.getCause() : err;
                    notice = "! refused: " + (cause instanceof dev.parley.sdk.ParleyException pe ? pe.code().wire()
                            : cause.getMessage());
                } else {
                    notice = sent.seq() == 0 ? done + " (it already was)" : done;
                }
            }
            changed();
        });
    }

    /** This user's id. */
    long me() {
        return me.userId();
    }

    /** Opens a conversation by list number, by name (a user or a group's title), else as a direct one. */
    void open(String target) {
        Long id = null;
        synchronized (this) {
            List<Row> ordered = ordered();
            if (target.chars().allMatch(Character::isDigit) && target.length() < 10) {
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
            id = new Lookup(client).direct(target).conversationId();
        }
        openConversation(id);
    }

    void openConversation(long id) {
        Conversation c = client.conversation(id);
        HistoryPage page = client.history(id, null, null, HISTORY_PAGE);
        synchronized (this) {
            if (openId != 0 && openId != id) {
                trim(openId, KEEP);
            }
            Row row = rowFor(c);
            row.unread = 0;
            learn(c);
            TreeMap<Long, ChatMessage> kept = entries.computeIfAbsent(id, k -> new TreeMap<>());
            for (ChatMessage m : page.messages()) {
                keep(m);
            }
            if (page.hasMore() && (kept.isEmpty() || kept.firstKey() > 1)) {
                olderOnNode.add(id);
            }
            openId = id;
            notice = "";
            typingSent = false;
            scroll = 0;
        }
        if (c.lastSeq() > 0) {
            client.markRead(id, c.lastSeq());
        }
        watchPeers();
    }

    /** Back to the list. */
    synchronized void close() {
        if (openId != 0) {
            trim(openId, KEEP);
        }
        openId = 0;
        notice = "";
        scroll = 0;
    }

    /** The open conversation's id, or 0. */
    synchronized long openId() {
        return openId;
    }

    /** The open conversation, fresh from the node; {@code usage} as a notice when none is open. */
    Conversation openGroup(String usage) {
        long id = openId();
        if (id == 0) {
            throw new Usage("open a group first (/open TITLE), then " + usage);
        }
        Conversation c = client.conversation(id);
        if (c.kind() != ConversationKind.GROUP) {
            throw new Usage(usage + " works in a group; this is a direct conversation");
        }
        synchronized (this) {
            learn(c);
        }
        return c;
    }

    /** The conversation was left: it leaves the list too, and what still comes of it is ignored. */
    synchronized void forget(long id) {
        left.add(id);
        rows.remove(id);
        entries.remove(id);
        positions.remove(id);
        olderOnNode.remove(id);
        if (openId == id) {
            openId = 0;
            scroll = 0;
        }
    }

    /** A user as this screen calls them: "you", a username, or {@value UserNames#FORMER}. */
    synchronized String name(long userId) {
        return userId == me.userId() ? "you" : names.name(userId);
    }

    long myId() {
        return me.userId();
    }

    /**
     * Who has received and seen your {@code n}th latest message in the open conversation
     * ("seen by bob · delivered to carol").
     */
    synchronized String info(int n) {
        if (openId == 0) {
            return "open a conversation first: /open NAME";
        }
        List<ChatMessage> mine = new ArrayList<>();
        for (ChatMessage m : entries.getOrDefault(openId, new TreeMap<>()).descendingMap().values()) {
            if (m.isText() && m.senderId() == me.userId()) {
                mine.add(m);
            }
        }
        if (n < 1 || n > mine.size()) {
            return mine.isEmpty() ? "you have not written here yet" : "you have " + mine.size()
                    + " messages here: /info 1 is the latest";
        }
        ChatMessage m = mine.get(n - 1);
        MemberPositions at = positions.getOrDefault(openId, new MemberPositions());
        return "\"" + Columns.cell(clip(m.body())) + "\" (" + time(m) + "): " + at.describe(m.seq(), me.userId(),
                names::name);
    }

    /** The members of the open conversation with their roles, as one line. */
    String members(Conversation c) {
        List<String> out = new ArrayList<>();
        for (Member m : c.members()) {
            String who = m.userId() == me.userId() ? "you" : m.username();
            out.add(m.role() == null || m.role() == Role.MEMBER ? who : who + " (" + m.role().wire() + ")");
        }
        return c.members().size() + " members: " + String.join(", ", out);
    }

    void setNotice(String text) {
        synchronized (this) {
            notice = text;
        }
    }

    // ---- SDK events (the SDK thread) --------------------------------------------------------

    @Override
    public void onMessage(ChatMessage m) {
        boolean refresh;
        synchronized (this) {
            if (left.contains(m.conversationId())) {
                return;
            }
            refresh = !rows.containsKey(m.conversationId())
                    || m.kind() != EntryKind.TEXT && !MessageActions.isAction(m) || names.missesAny(m);
        }
        // A conversation not listed yet (someone wrote first), its members changed, or a writer we
        // cannot name: ask who is in it.
        Conversation fresh = refresh ? fetch(m.conversationId()) : null;
        boolean markRead = false;
        boolean newRow;
        synchronized (this) {
            newRow = !rows.containsKey(m.conversationId());
            Row row = fresh != null ? rowFor(fresh) : rows.get(m.conversationId());
            if (fresh != null) {
                learn(fresh);
            }
            keep(m);
            if (m.clientId() != null && m.senderId() == me.userId()) {
                LinkedHashMap<String, String> out = outgoing.get(m.conversationId());
                if (out != null) {
                    out.remove(m.clientId());
                }
            }
            if (row != null) {
                row.lastActivity = Math.max(row.lastActivity, m.ts());
                if (row.last == null || row.last.seq() <= m.seq()) {
                    row.last = m;
                }
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
        if (newRow) {
            watchPeers();
        }
        changed();
    }

    @Override
    public void onReceipt(Receipt r) {
        synchronized (this) {
            positions.computeIfAbsent(r.conversationId(), k -> new MemberPositions()).receipt(r);
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

    /** A profile changed: the user's messages and direct conversation show the new name from now on. */
    @Override
    public void onProfile(User u) {
        synchronized (this) {
            names.put(u.userId(), u.shownName());
            for (Row r : rows.values()) {
                if (r.kind == ConversationKind.DIRECT && r.peerId == u.userId()) {
                    r.name = u.shownName();
                }
            }
        }
        changed();
    }

    @Override
    public void onResync(long conversationId, long latestSeq) {
        synchronized (this) {
            entries.remove(conversationId);
            olderOnNode.add(conversationId);
        }
        changed();
    }

    @Override
    public void onConnectionState(ConnectionState s) {
        synchronized (this) {
            state = s;
            if (s == ConnectionState.AUTH_FAILED || s == ConnectionState.LOGGED_OUT
                    || s == ConnectionState.ACCOUNT_DELETED) {
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
        List<String> body;
        List<String> noticeLines = notice.isEmpty() ? List.of("") : List.of(notice.split("\n"));
        // Two lines above, the notice and the help line below; in a conversation, "more above" and "more below".
        room = Math.max(1, height - 3 - noticeLines.size() - (openId == 0 ? 0 : 2));
        if (openId == 0) {
            out.add("Conversations");
            body = list();
            if (body.size() > room) {
                body = body.subList(0, room);
            }
        } else {
            Row row = rows.get(openId);
            out.add(row == null ? "#" + openId : title(row));
            body = body(openId);
            scroll = Math.max(0, Math.min(scroll, body.size() - room));
            int end = body.size() - scroll;
            int start = Math.max(0, end - room);
            if (start > 0 || olderOnNode.contains(openId)) {
                out.add("  ↑ earlier: PageUp or /more");
            }
            body = body.subList(start, end);
        }
        out.addAll(body);
        if (openId != 0 && scroll > 0) {
            out.add("  ↓ " + scroll + " more below: PageDown");
        }
        for (int i = 0; i < noticeLines.size(); i++) {
            out.add(notice.isEmpty() ? "" : (i == 0 ? "! " : "  ") + noticeLines.get(i));
        }
        out.add(openId == 0 ? "/open NAME · /group TITLE USER... · /help · /quit"
                : "/list · /more · /info · /members · /help · /quit");
        return out;
    }

    /** Everything {@link #render} shows, as one string; handy for tests. */
    public String text() {
        return String.join("\n", render(1000));
    }

    private List<String> list() {
        List<String> lines = new ArrayList<>();
        List<Row> ordered = ordered();
        if (ordered.isEmpty()) {
            lines.add("  (none yet: /open USER to start one)");
        }
        for (int i = 0; i < ordered.size(); i++) {
            Row r = ordered.get(i);
            lines.add(String.format("%3d %s %-20s %6s  %s", i + 1, dot(r), r.name,
                    r.unread == 0 ? "" : "(" + (r.unread >= 999 ? "999+" : r.unread) + ")",
                    r.last == null ? "" : preview(r.last)));
        }
        return lines;
    }

    /** Every line of an open conversation: its entries, own sends on their way, who is typing. */
    private List<String> body(long id) {
        List<String> lines = new ArrayList<>();
        for (ChatMessage m : entries.getOrDefault(id, new TreeMap<>()).values()) {
            lines.add(line(m));
        }
        for (String pending : outgoing.getOrDefault(id, new LinkedHashMap<>()).values()) {
            lines.add("[--:--] you: " + pending + "  " + SENDING);
        }
        String typers = typers(id);
        if (!typers.isEmpty()) {
            lines.add(typers);
        }
        return lines;
    }

    private String title(Row row) {
        if (row.kind == ConversationKind.DIRECT) {
            Boolean on = online.get(row.peerId);
            return "── " + row.name + " " + (on == null ? "" : on ? ONLINE + " online" : OFFLINE + " offline") + " ──";
        }
        MemberPositions at = positions.get(row.id);
        return "── " + row.name + " · " + (at == null ? 0 : at.userIds().size()) + " members ──";
    }

    private String dot(Row r) {
        if (r.kind == ConversationKind.GROUP) {
            return "#";
        }
        Boolean on = online.get(r.peerId);
        return on == null ? " " : on ? ONLINE : OFFLINE;
    }

    private String line(ChatMessage m) {
        String time = "[" + time(m) + "] ";
        boolean mine = m.senderId() == me.userId();
        String who = name(m.senderId());
        if (!m.isText()) {
            return time + "* " + who + " " + EntryText.of(m, this::name);
        }
        MemberPositions at = positions.get(m.conversationId());
        boolean mentionsMe = m.mentions().stream().anyMatch(x -> x.userId() == me.userId());
        return time + (mentionsMe ? "@ " : "") + who + ": " + EntryText.of(m, this::name)
                + (mine && !m.isDeleted() ? "  " + (at == null ? SENT : at.mark(m.seq(), me.userId())) : "");
    }

    private String time(ChatMessage m) {
        return CLOCK.format(Instant.ofEpochMilli(m.ts()).atZone(zone));
    }

    private String typers(long conversationId) {
        Set<Long> who = typing.getOrDefault(conversationId, Set.of());
        if (who.isEmpty()) {
            return "";
        }
        List<String> list = who.stream().map(names::name).sorted().toList();
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
                        name = m.profile().shownName();
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
        names.learn(c);
        if (c.kind() == ConversationKind.GROUP) {
            Map<String, Long> byName = new HashMap<>();
            for (Member m : c.members()) {
                if (m.username() != null) {
                    byName.put(m.username(), m.userId());
                }
            }
            usernames.put(c.conversationId(), byName);
        }
        positions.computeIfAbsent(c.conversationId(), k -> new MemberPositions()).learn(c);
    }

    private void keep(ChatMessage m) {
        TreeMap<Long, ChatMessage> kept = entries.computeIfAbsent(m.conversationId(), k -> new TreeMap<>());
        if (MessageActions.isAction(m)) {
            // Not a line of its own: it changes the message it names, if that is on the screen.
            ChatMessage target = kept.get(m.targetSeq());
            if (target != null) {
                kept.put(target.seq(), MessageActions.apply(target, m));
            }
            return;
        }
        ChatMessage quoted = m.replyTo() != 0 && m.quote() == null ? kept.get(m.replyTo()) : null;
        kept.put(m.seq(), quoted == null ? m : MessageActions.quoting(m, quoted));
        positions.computeIfAbsent(m.conversationId(), k -> new MemberPositions()).entry(m);
        trim(m.conversationId(), m.conversationId() == openId ? SCROLLBACK : KEEP);
    }

    private void trim(long conversationId, int max) {
        TreeMap<Long, ChatMessage> kept = entries.get(conversationId);
        if (kept == null) {
            return;
        }
        while (kept.size() > max) {
            kept.pollFirstEntry();
            olderOnNode.add(conversationId);
        }
    }

    private String preview(ChatMessage m) {
        String who = name(m.senderId());
        return m.isText() ? who + ": " + Columns.cell(EntryText.body(m)) : "* " + who + " " + EntryText.of(m, this::name);
    }

    private static String clip(String body) {
        return body.length() <= 40 ? body : body.substring(0, 39) + "…";
    }

    // ---- outside the lock --------------------------------------------------------------------

    /** Reads one page of older history into the open conversation. */
    private void loadOlder(long id) {
        long before;
        synchronized (this) {
            TreeMap<Long, ChatMessage> kept = entries.get(id);
            before = kept == null || kept.isEmpty() ? 0 : kept.firstKey();
        }
        if (before <= 1) {
            synchronized (this) {
                olderOnNode.remove(id);
            }
            return;
        }
        HistoryPage page = client.history(id, before, null, HISTORY_PAGE);
        synchronized (this) {
            for (ChatMessage m : page.messages()) {
                keep(m);
            }
            if (!page.hasMore()) {
                olderOnNode.remove(id);
            }
        }
    }

    /**
     * The conversation with its members, or null when that cannot be had now (no longer a member,
     * or the node did not answer): what needed it shows with what is known, and is not lost.
     */
    private Conversation fetch(long conversationId) {
        try {
            return client.conversation(conversationId);
        } catch (ParleyException e) {
            return null;
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
            MemberPositions open = positions.get(openId);
            if (openId != 0 && open != null) {
                users.addAll(open.userIds());
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
