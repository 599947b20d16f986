package dev.parley.app.consistency;

import dev.parley.checker.HistoryEntry;
import dev.parley.core.search.SearchText;
import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.SearchHit;
import dev.parley.sdk.SearchPage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * After a run, search is asked about a sample of the stored text messages, as members and as
 * others: a message is found by the words it was sent with exactly once while its text is unchanged,
 * by nothing of them once edited or deleted, by its new words once edited; every hit is a stored
 * text that holds the words; and nobody finds a message of a conversation they are not in. Run after
 * node kills, this covers the search index's recovery (its own file, marks and purges: docs/storage.md,
 * "The search file") the way the rest of the run covers the history's.
 */
final class SearchCheck {
    /** Pages read at most for one query (a few words of an edit may start words of many). */
    private static final int MOST_PAGES = 5;
    private static final int PAGE = 50;

    private final Map<Long, List<HistoryEntry>> stored;
    private final Map<String, String> sentBodies;
    private final Function<Long, ParleyClient> member;
    private final Function<Long, ParleyClient> outsider;
    private final List<String> violations = new ArrayList<>();
    private int checked;

    /**
     * @param stored     each conversation's history as the store holds it after the run
     * @param sentBodies the text each send was attempted with, by client id
     * @param member     a client of a member of the conversation
     * @param outsider   a client of a user who is not a member of the conversation, or null when none
     */
    SearchCheck(Map<Long, List<HistoryEntry>> stored, Map<String, String> sentBodies,
                Function<Long, ParleyClient> member, Function<Long, ParleyClient> outsider) {
        this.stored = stored;
        this.sentBodies = sentBodies;
        this.member = member;
        this.outsider = outsider;
    }

    /** Checks at most {@code most} texts, picked with {@code rnd}; returns the violations found. */
    List<String> run(Random rnd, int most) {
        List<HistoryEntry> texts = new ArrayList<>();
        stored.values().forEach(h -> h.stream()
                .filter(e -> "TEXT".equalsIgnoreCase(e.kind()) && e.clientId() != null
                        && sentBodies.containsKey(e.clientId()))
                .forEach(texts::add));
        Collections.shuffle(texts, rnd);
        for (HistoryEntry e : texts.subList(0, Math.min(most, texts.size()))) {
            check(e);
        }
        return violations;
    }

    /** How many texts were checked. */
    int checked() {
        return checked;
    }

    private void check(HistoryEntry e) {
        checked++;
        String sent = sentBodies.get(e.clientId());
        HistoryEntry.MessageState now = e.state();
        boolean unchanged = now != null && !now.deleted() && sent.equals(now.body());
        // The send's last word is a random 64-bit number in hex: no other message holds it.
        String token = sent.substring(sent.lastIndexOf(' ') + 1);
        ParleyClient searcher = member.apply(e.conversationId());
        int found = occurrences(searcher, token, e);
        if (found != (unchanged ? 1 : 0)) {
            violations.add(String.format("search: conversation %d seq %d (%s) found %d times by the words it was"
                    + " sent with", e.conversationId(), e.seq(), unchanged ? "unchanged" : "edited or deleted", found));
        }
        if (now != null && !now.deleted() && now.body() != null && !unchanged) {
            int byNewWords = occurrences(searcher, now.body(), e);
            if (byNewWords != 1) {
                violations.add(String.format("search: edited conversation %d seq %d found %d times by its new text",
                        e.conversationId(), e.seq(), byNewWords));
            }
        }
        ParleyClient other = outsider == null ? null : outsider.apply(e.conversationId());
        if (other != null && unchanged && occurrences(other, token, e) != 0) {
            violations.add(String.format("search: conversation %d seq %d found by a user who is not a member",
                    e.conversationId(), e.seq()));
        }
    }

    /**
     * How many hits of {@code query} (over all the searcher's conversations) are {@code e}; any hit
     * that is not a stored text holding the query's words is a violation.
     */
    private int occurrences(ParleyClient searcher, String query, HistoryEntry e) {
        List<String> words = SearchText.words(query).stream().map(SearchText.Word::folded).distinct().toList();
        int found = 0;
        String before = null;
        for (int page = 0; page < MOST_PAGES; page++) {
            SearchPage p = searcher.search(query, null, PAGE, before);
            for (SearchHit h : p.hits()) {
                if (h.conversationId() == e.conversationId() && h.seq() == e.seq()) {
                    found++;
                }
                HistoryEntry hit = at(h.conversationId(), h.seq());
                if (hit != null && (hit.state() == null || hit.state().deleted() || hit.state().body() == null
                        || !SearchText.startsWords(hit.state().body(), words))) {
                    violations.add(String.format("search: \"%s\" found conversation %d seq %d, whose text is %s",
                            query, h.conversationId(), h.seq(), hit.state() == null ? "none"
                                    : hit.state().deleted() ? "deleted" : "\"" + hit.state().body() + "\""));
                }
            }
            before = p.next();
            if (before == null) {
                break;
            }
        }
        return found;
    }

    private HistoryEntry at(long conversation, long seq) {
        List<HistoryEntry> h = stored.get(conversation);
        if (h == null) {
            return null;
        }
        for (HistoryEntry e : h) {
            if (e.seq() == seq) {
                return e;
            }
        }
        return null;
    }
}
