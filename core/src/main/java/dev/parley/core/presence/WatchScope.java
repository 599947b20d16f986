package dev.parley.core.presence;

import dev.parley.core.account.UserId;
import dev.parley.core.block.BlockDirectory;
import dev.parley.core.conversation.ConversationStore;

import java.util.HashSet;
import java.util.Set;

/**
 * Whose presence a user may watch: users who share a conversation with them (now, as a member)
 * and have not blocked them. Asked when a device sends {@code watch}, and again whenever a
 * membership ends or a block changes between two users, so a watch lasts only as long as what
 * justifies it. Blocking.
 */
public final class WatchScope {
    private final ConversationStore conversations;
    /** Null: no blocks. */
    private final BlockDirectory blocks;

    public WatchScope(ConversationStore conversations, BlockDirectory blocks) {
        this.conversations = conversations;
        this.blocks = blocks;
    }

    /** Of {@code wanted}, the users {@code watcher} may watch. */
    public Set<UserId> allowed(UserId watcher, Set<UserId> wanted) {
        Set<UserId> shared = conversations.contactsAmong(watcher, wanted);
        if (blocks == null || shared.isEmpty()) {
            return shared;
        }
        Set<UserId> out = new HashSet<>(shared);
        out.removeAll(blocks.reachNow(watcher).blockers());
        return out;
    }
}
