package dev.parley.server.ws;

import dev.parley.core.account.DeviceId;
import dev.parley.core.limit.TokenBucket;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Each device's send allowance on this node ({@code limits.sendsPerSecond}, {@code sendBurst}),
 * shared by its WebSockets and its REST sends: sends, reactions, edits and deletions each take
 * one. A device's allowance is dropped when its last WebSocket here closes.
 */
public final class SendAllowances {
    private final ConcurrentHashMap<DeviceId, TokenBucket> byDevice = new ConcurrentHashMap<>();
    private final int sendsPerSecond;
    private final int sendBurst;

    public SendAllowances(int sendsPerSecond, int sendBurst) {
        this.sendsPerSecond = sendsPerSecond;
        this.sendBurst = sendBurst;
    }

    /** Takes one send from the device's allowance: 0 if allowed, else nanoseconds to wait. Any thread. */
    public long take(DeviceId device, long nowNanos) {
        TokenBucket bucket = byDevice.get(device);
        if (bucket == null) {
            // Only a device's first send makes the lambda (it captures the time): not every send.
            bucket = byDevice.computeIfAbsent(device, d -> new TokenBucket(sendsPerSecond, sendBurst, nowNanos));
        }
        synchronized (bucket) {
            return bucket.tryTake(nowNanos);
        }
    }

    /** The device has no connection here any more. */
    void forget(DeviceId device) {
        byDevice.remove(device);
    }
}
