package dev.parley.server.ws;

import dev.parley.core.account.ConnectedDevices;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.delivery.NodeRoutes;
import dev.parley.core.push.NodeDevices;
import dev.parley.protocol.CloseCode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The authenticated connections this node holds, by user, and what the cluster is told of them
 * (the node's routes, the devices it holds). Reads (fan-out) are lock-free: each user's
 * connections are an array replaced on change. Any thread.
 */
public final class LocalConnections implements ConnectedDevices {
    private static final ChatConnection[] NONE = new ChatConnection[0];

    private final ConcurrentHashMap<UserId, ChatConnection[]> byUser = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final ConcurrentHashMap<UserId, CompletableFuture<Void>> routed = new ConcurrentHashMap<>();
    private volatile NodeRoutes routes = NodeRoutes.NONE;
    private volatile NodeDevices devices = NodeDevices.NONE;

    /** Where this node records which users it holds (the cluster's routing table). */
    public void routes(NodeRoutes routes) {
        this.routes = routes;
    }

    /** Where this node records which devices it holds (so other nodes do not push them). */
    public void devices(NodeDevices devices) {
        this.devices = devices;
    }

    /**
     * Registers the connection; the future completes once the user's events are routed to this
     * node (at once on a single node), so a catch-up started after it misses nothing.
     */
    CompletableFuture<Void> add(ChatConnection c) {
        UserId user = c.caller().userId();
        DeviceId device = c.caller().deviceId();
        byUser.compute(user, (u, old) -> {
            ChatConnection[] arr = old == null ? NONE : old;
            ChatConnection[] next = Arrays.copyOf(arr, arr.length + 1);
            next[arr.length] = c;
            // Told inside the user's compute, so a device's open and close are told in the order
            // they happened; and before the route, so once a user's first connection is routed
            // (and catches up) its device is recorded too.
            if (!holds(arr, device)) {
                devices.opened(u, device);
            }
            if (arr.length == 0) {
                routed.put(u, routes.arrived(u));
            }
            return next;
        });
        count.incrementAndGet();
        return routed.getOrDefault(user, CompletableFuture.completedFuture(null));
    }

    /** Unregisters the connection; true if it was registered. */
    boolean remove(ChatConnection c) {
        boolean[] removed = new boolean[1];
        DeviceId device = c.caller().deviceId();
        byUser.computeIfPresent(c.caller().userId(), (u, arr) -> {
            int i = Arrays.asList(arr).indexOf(c);
            if (i < 0) {
                return arr;
            }
            removed[0] = true;
            ChatConnection[] next = new ChatConnection[arr.length - 1];
            System.arraycopy(arr, 0, next, 0, i);
            System.arraycopy(arr, i + 1, next, i, arr.length - i - 1);
            if (!holds(next, device)) {
                devices.closed(u, device);
            }
            if (next.length == 0) {
                routed.remove(u);
                routes.left(u);
                return null;
            }
            return next;
        });
        if (removed[0]) {
            count.decrementAndGet();
        }
        return removed[0];
    }

    private static boolean holds(ChatConnection[] arr, DeviceId device) {
        for (ChatConnection c : arr) {
            if (c.caller().deviceId().equals(device)) {
                return true;
            }
        }
        return false;
    }

    void forEachOf(UserId user, Consumer<ChatConnection> action) {
        ChatConnection[] arr = byUser.get(user);
        if (arr != null) {
            for (ChatConnection c : arr) {
                action.accept(c);
            }
        }
    }

    /** The users with a connection here now. */
    List<UserId> users() {
        return new ArrayList<>(byUser.keySet());
    }

    public boolean isOnline(UserId user) {
        return byUser.containsKey(user);
    }

    public boolean isConnected(DeviceId device, UserId user) {
        ChatConnection[] arr = byUser.get(user);
        return arr != null && holds(arr, device);
    }

    public int count() {
        return count.get();
    }

    /** Distinct devices with at least one connection (computed when asked). */
    public int deviceCount() {
        java.util.Set<DeviceId> devices = new java.util.HashSet<>();
        for (ChatConnection[] arr : byUser.values()) {
            for (ChatConnection c : arr) {
                devices.add(c.caller().deviceId());
            }
        }
        return devices.size();
    }

    /** Closes every connection with {@code code} (a node going down tells clients to go elsewhere). */
    public void closeAll(CloseCode code) {
        for (ChatConnection c : all()) {
            c.closeFromAnyThread(code);
        }
    }

    /** Stops every connection from taking new sends; those in flight still finish. */
    public void drain() {
        for (ChatConnection c : all()) {
            c.postTask(c::drain);
        }
    }

    /** A snapshot of every connection. */
    public List<ChatConnection> all() {
        List<ChatConnection> out = new ArrayList<>(count.get());
        for (ChatConnection[] arr : byUser.values()) {
            out.addAll(Arrays.asList(arr));
        }
        return out;
    }

    @Override
    public void disconnect(UserId userId, DeviceId deviceId, Reason reason) {
        forEachOf(userId, c -> {
            if (c.caller().deviceId().equals(deviceId)) {
                c.closeFromAnyThread(closeCode(reason));
            }
        });
    }

    @Override
    public void disconnectAll(UserId userId, Reason reason) {
        forEachOf(userId, c -> c.closeFromAnyThread(closeCode(reason)));
    }

    private static CloseCode closeCode(Reason reason) {
        return switch (reason) {
            case LOGGED_OUT -> CloseCode.LOGGED_OUT;
            case ACCOUNT_DISABLED -> CloseCode.ACCOUNT_DISABLED;
            case ACCOUNT_DELETED -> CloseCode.ACCOUNT_DELETED;
        };
    }
}
