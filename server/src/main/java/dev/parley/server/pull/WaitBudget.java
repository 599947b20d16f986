package dev.parley.server.pull;

import dev.parley.core.account.UserId;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How many long polls may wait at once per user and per client address: each holds a socket, a
 * timer and a route, so one client cannot make the node hold an unbounded number of them.
 */
public final class WaitBudget {
    private final int perUser;
    private final int perAddress;
    private final ConcurrentHashMap<UserId, Integer> users = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> addresses = new ConcurrentHashMap<>();

    public WaitBudget(int perUser, int perAddress) {
        this.perUser = perUser;
        this.perAddress = perAddress;
    }

    /** Takes one wait for the user and address; false (nothing taken) when either is at its limit. */
    public boolean tryTake(UserId user, String address) {
        if (!take(users, user, perUser)) {
            return false;
        }
        if (!take(addresses, address, perAddress)) {
            give(users, user);
            return false;
        }
        return true;
    }

    public void release(UserId user, String address) {
        give(users, user);
        give(addresses, address);
    }

    private static <K> boolean take(ConcurrentHashMap<K, Integer> counts, K key, int max) {
        boolean[] taken = new boolean[1];
        counts.compute(key, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max) {
                return n;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    private static <K> void give(ConcurrentHashMap<K, Integer> counts, K key) {
        counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }
}
