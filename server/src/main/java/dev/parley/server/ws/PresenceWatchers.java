package dev.parley.server.ws;

import dev.parley.core.account.UserId;
import dev.parley.core.block.BlockDirectory;
import dev.parley.core.presence.Presence;
import dev.parley.core.presence.PresenceFeed;
import dev.parley.core.presence.WatchScope;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.Blocking;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which local connections watch whose presence. A presence change costs one encode and one post
 * per watching connection: nobody else hears of it. Whom a user may watch is the core's
 * {@link WatchScope}; when a membership ends or a block changes, the watches it justified are
 * checked again and dropped if the scope no longer allows them.
 */
public final class PresenceWatchers implements PresenceFeed {
    private final ConcurrentHashMap<UserId, Set<ChatConnection>> watchersOf = new ConcurrentHashMap<>();
    private final WatchScope scope;
    private final LocalConnections connections;

    public PresenceWatchers(WatchScope scope, LocalConnections connections) {
        this.scope = scope;
        this.connections = connections;
    }

    /** After any block or unblock (on this node or another), the two users' connections here check their watches again. */
    public void followBlocks(BlockDirectory directory) {
        directory.onAnyChange(this::relationsChanged);
    }

    /** Of {@code wanted}, the users {@code watcher} may watch. Blocking. */
    Set<UserId> allowed(UserId watcher, Set<UserId> wanted) {
        return scope.allowed(watcher, wanted);
    }

    /** A block between these users changed ({@code b} null: {@code a} was deleted): re-check their watches. */
    void relationsChanged(UserId a, UserId b) {
        Blocking.executor().execute(() -> {
            for (UserId user : b == null ? List.of(a) : List.of(a, b)) {
                connections.forEachOf(user, c -> recheck(c, user));
            }
        });
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

    /**
     * Watches what the connection asked for and is still allowed: drops users no longer shared or
     * who blocked the watcher, and takes back those an unblock allows again (they are heard from
     * at their next change).
     */
    private void recheck(ChatConnection c, UserId watcher) {
        Set<UserId> asked = c.watchRequested();
        if (asked.isEmpty()) {
            return;
        }
        Set<UserId> still = allowed(watcher, asked);
        if (!still.equals(c.watching())) {
            c.postTask(() -> watch(c, Set.copyOf(still)));
        }
    }
}
