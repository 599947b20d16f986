package dev.parley.core.search;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;

import java.util.List;

/**
 * The search index of text entries, kept by the message store (updated where text is erased or
 * deleted). An entry is found as soon as its append committed, whether the store indexes it in the
 * append's transaction or later. Blocking.
 */
public interface SearchStore {

    /**
     * Up to {@code limit} text entries, newest first (by time, then conversation id, then seq) and
     * after {@code after} when given, whose text holds a word starting with each of {@code prefixes}
     * (folded as {@link SearchText} folds), in conversations {@code user} is a member of and within
     * their membership: in a group from the entry that added them, in a direct conversation from
     * its start, up to where they left. Only in {@code conversation} when it is not null.
     */
    List<SearchHit> search(UserId user, ConversationId conversation, List<String> prefixes, SearchPosition after,
                           int limit);
}
