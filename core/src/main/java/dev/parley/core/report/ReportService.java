package dev.parley.core.report;

import dev.parley.core.ChatException;
import dev.parley.core.IdGenerator;
import dev.parley.core.account.AccountStore;
import dev.parley.core.account.Caller;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.core.message.MessageStore;
import dev.parley.core.request.MessageRequests;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reports of users and messages to the operators. A report names a user, or messages in a
 * conversation the reporter can read (their sender is then the user reported), or a user in a
 * conversation (their last {@value #RECENT} messages there are copied). What the report copies is
 * kept with it. Each user may make {@code perDay} reports a day. Blocking: run on virtual threads.
 */
public final class ReportService {
    public static final int MAX_ENTRIES = 50;
    public static final int MAX_NOTE = 1000;
    static final int RECENT = 20;

    private final ReportStore store;
    private final AccountStore accounts;
    private final ConversationStore conversations;
    private final MessageStore messages;
    private final MessageRequests requests;
    private final IdGenerator ids;
    private final Clock clock;
    private final int perDay;

    public ReportService(ReportStore store, AccountStore accounts, ConversationStore conversations,
                         MessageStore messages, MessageRequests requests, IdGenerator ids, Clock clock, int perDay) {
        this.store = store;
        this.accounts = accounts;
        this.conversations = conversations;
        this.messages = messages;
        this.requests = requests;
        this.ids = ids;
        this.clock = clock;
        this.perDay = perDay;
    }

    /**
     * Files a report. {@code subject} may be null when {@code seqs} name messages (their sender is
     * reported); {@code conversation} is needed for {@code seqs}.
     */
    public Report report(Caller caller, UserId subject, ConversationId conversation, List<Long> seqs,
                         ReportReason reason, String note) {
        if (reason == null) {
            throw ChatException.invalid("a reason is required");
        }
        String text = note == null ? null : note.strip();
        if (text != null && text.codePointCount(0, text.length()) > MAX_NOTE) {
            throw ChatException.invalid("note must be at most " + MAX_NOTE + " characters");
        }
        if (seqs != null && seqs.size() > MAX_ENTRIES) {
            throw new ChatException(ChatException.Refusal.TOO_LARGE, "at most " + MAX_ENTRIES + " messages per report");
        }
        if (seqs != null && !seqs.isEmpty() && conversation == null) {
            throw new ChatException(ChatException.Refusal.INVALID, "name the conversation of the messages reported");
        }
        long now = clock.millis();
        if (store.countSince(caller.userId(), now - Duration.ofDays(1).toMillis()) >= perDay) {
            throw new ChatException(ChatException.Refusal.RATE_LIMITED, "at most " + perDay + " reports a day");
        }
        List<Message> entries = new ArrayList<>();
        if (conversation != null) {
            long visible = visibleUpTo(caller.userId(), conversation);
            if (seqs != null && !seqs.isEmpty()) {
                for (long seq : seqs.stream().distinct().sorted().toList()) {
                    List<Message> m = seq <= visible ? messages.range(conversation, seq - 1, seq, 1) : List.of();
                    if (m.isEmpty() || m.getFirst().seq() != seq) {
                        throw ChatException.notFound("message");
                    }
                    entries.add(m.getFirst());
                }
                UserId sender = entries.getFirst().senderId();
                if (subject == null) {
                    subject = sender;
                }
            } else if (subject != null) {
                entries.addAll(recentFrom(conversation, subject, visible));
            }
        }
        if (subject == null) {
            throw new ChatException(ChatException.Refusal.INVALID, "name the user or the messages reported");
        }
        if (subject.equals(caller.userId())) {
            throw ChatException.invalid("you cannot report yourself");
        }
        if (accounts.findAccount(subject).isEmpty()) {
            throw ChatException.notFound("user");
        }
        Report r = new Report(ids.next(), caller.userId(), subject, conversation, reason, text, now, 0, entries);
        store.create(r);
        return r;
    }

    /** The highest seq the user may read in the conversation: as a (former) member, or the recipient of a request. */
    private long visibleUpTo(UserId user, ConversationId conversation) {
        Optional<MemberState> m = conversations.member(conversation, user);
        if (m.isPresent()) {
            return m.get().visibleUpTo();
        }
        if (requests.pendingFor(user, conversation).isPresent()) {
            return Long.MAX_VALUE;
        }
        throw ChatException.notFound("conversation");
    }

    /** The subject's last {@value #RECENT} text messages the reporter can see, oldest first. */
    private List<Message> recentFrom(ConversationId conversation, UserId subject, long visible) {
        List<Message> found = new ArrayList<>();
        long before = Long.MAX_VALUE;
        for (int pages = 0; pages < 10 && found.size() < RECENT; pages++) {
            List<Message> page = messages.before(conversation, before, visible, 200);
            if (page.isEmpty()) {
                break;
            }
            for (int i = page.size() - 1; i >= 0 && found.size() < RECENT; i--) {
                Message m = page.get(i);
                if (m.senderId().equals(subject) && m.kind() == MessageKind.TEXT) {
                    found.addFirst(m);
                }
            }
            before = page.getFirst().seq();
        }
        return found;
    }

    public List<Report> list(boolean openOnly, int limit) {
        return store.list(openOnly, limit);
    }

    public Report find(long id) {
        return store.find(id).orElseThrow(() -> ChatException.notFound("report"));
    }

    public void resolve(long id) {
        if (!store.resolve(id, clock.millis())) {
            throw ChatException.notFound("open report");
        }
    }
}
