package dev.parley.core.search;

import dev.parley.core.ChatException;
import dev.parley.core.account.Caller;
import dev.parley.core.conversation.ConversationId;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Full-text search over the caller's own conversations: every word of the query must start a word
 * of the entry (so "caf" finds "Café"); newest first, paged. Blocking: call from virtual threads.
 */
public final class SearchService {
    public static final int MAX_QUERY_CHARS = 200;
    public static final int MAX_WORDS = 8;
    public static final int MAX_PAGE = 50;
    /** Characters of text shown around the first match. */
    static final int SNIPPET_CHARS = 120;

    private final SearchStore store;

    public SearchService(SearchStore store) {
        this.store = store;
    }

    public record Page(List<SearchHit> hits, SearchPosition next) {
    }

    public Page search(Caller caller, String query, ConversationId conversation, SearchPosition after, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw ChatException.invalid("limit must be 1 to " + MAX_PAGE);
        }
        if (query.length() > MAX_QUERY_CHARS) {
            throw new ChatException(ChatException.Refusal.TOO_LARGE, "a query is at most " + MAX_QUERY_CHARS
                    + " characters");
        }
        Set<String> prefixes = new LinkedHashSet<>();
        for (SearchText.Word w : SearchText.words(query)) {
            prefixes.add(w.folded());
        }
        if (prefixes.isEmpty()) {
            throw ChatException.invalid("the query has no words to search for");
        }
        if (prefixes.size() > MAX_WORDS) {
            throw new ChatException(ChatException.Refusal.TOO_LARGE, "a query has at most " + MAX_WORDS + " words");
        }
        List<String> words = List.copyOf(prefixes);
        List<SearchHit> found = store.search(caller.userId(), conversation, words, after, limit + 1);
        boolean more = found.size() > limit;
        List<SearchHit> hits = new ArrayList<>(Math.min(found.size(), limit));
        for (SearchHit h : found.subList(0, Math.min(found.size(), limit))) {
            hits.add(h.withSnippet(snippet(h.body(), words)));
        }
        SearchHit last = hits.isEmpty() ? null : hits.getLast();
        return new Page(hits, more && last != null
                ? new SearchPosition(last.createdAt(), last.conversationId().value(), last.seq()) : null);
    }

    /** The text around the first matched word, with every matched word in it marked. */
    static SearchHit.Snippet snippet(String body, List<String> prefixes) {
        List<SearchText.Word> matched = new ArrayList<>();
        for (SearchText.Word w : SearchText.words(body)) {
            for (String p : prefixes) {
                if (w.folded().startsWith(p)) {
                    matched.add(w);
                    break;
                }
            }
        }
        int from = 0;
        if (!matched.isEmpty() && body.length() > SNIPPET_CHARS) {
            from = Math.max(0, Math.min(matched.getFirst().start() - SNIPPET_CHARS / 3, body.length() - SNIPPET_CHARS));
            if (from > 0 && Character.isLowSurrogate(body.charAt(from))) {
                from--;
            }
        }
        int to = Math.min(body.length(), from + SNIPPET_CHARS);
        if (to < body.length() && to > 0 && Character.isHighSurrogate(body.charAt(to - 1))) {
            to--;
        }
        List<int[]> highlights = new ArrayList<>();
        for (SearchText.Word w : matched) {
            if (w.start() >= from && w.end() <= to) {
                highlights.add(new int[]{w.start() - from, w.end() - from});
            }
        }
        return new SearchHit.Snippet(body.substring(from, to), highlights);
    }
}
