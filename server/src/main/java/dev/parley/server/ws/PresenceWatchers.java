package dev.parley.server.ws;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.presence.Presence;
import dev.parley.core.presence.PresenceFeed;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.Blocking;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which local connections watch whose presence. A presence change costs one encode and one post
 * per watching connection: nobody else hears of it. Watching is limited to users who share a
 * conversation with the watcher; when a membership ends, the watches it justified are checked
 * again and dropped if no other conversation is shared.
 */
public final class PresenceWatchers implements PresenceFeed {
    private final ConcurrentHashMap<UserId, Set<ChatConnection>> watchersOf = new ConcurrentHashMap<>();
    private final ConversationStore conversations;
    private final LocalConnections connections;

    public PresenceWatchers(ConversationStore conversations, LocalConnections connections) {
        this.conversations = conversations;
        this.connections = connections;
    }

    /** Replaces what {@code c} watches. Call on the connection's loop. */
    void watch(ChatConnection c, Set<UserId> users) {
        for (UserId old : c.watching()) {
            if (!users.contains(old)) {
                unwatch(old, c);
            }
        }
        for (UserId u : users) {
            watchersOf.computeIfAbsent(u, k -> ConcurrentHashMap.newKeySet()).add(c);
        }
        c.watching(users);
    }

    void unwatchAll(ChatConnection c) {
        for (UserId u : c.watching()) {
            unwatch(u, c);
        }
        c.watching(Set.of());
    }

    private void unwatch(UserId user, ChatConnection c) {
        watchersOf.computeIfPresent(user, (u, set) -> {
            set.remove(c);
            return set.isEmpty() ? null : set;
        });
    }

    @Override
    public void changed(UserId user, Presence presence) {
        Set<ChatConnection> watchers = watchersOf.get(user);
        if (watchers == null || watchers.isEmpty()) {
            return;
        }
        Outbound out = new Outbound.Signal(0, FrameCodec.encodeServer(
                new ServerFrame.Presence(user.value(), presence.online(), presence.lastSeen())));
        for (ChatConnection c : watchers) {
            c.post(out);
        }
    }

    /**
     * After {@code removed} left a conversation with {@code remaining}: drop watches between them
     * that no other shared conversation justifies, in both directions.
     */
    void membershipEnded(UserId removed, List<UserId> remaining) {
        Blocking.executor().execute(() -> {
            connections.forEachOf(removed, c -> recheck(c, removed));
            Set<ChatConnection> watchingRemoved = watchersOf.get(removed);
            if (watchingRemoved != null) {
                for (ChatConnection c : List.copyOf(watchingRemoved)) {
                    if (remaining.contains(c.caller().userId())) {
                        recheck(c, c.caller().userId());
                    }
                }
            }
        });
    }

    private void recheck(ChatConnection c, UserId watcher) {
        Set<UserId> current = c.watching();
        if (current.isEmpty()) {
            return;
        }
        Set<UserId> still = conversations.contactsAmong(watcher, current);
        if (!still.equals(current)) {
            c.postTask(() -> watch(c, Set.copyOf(still)));
        }
    }
}
