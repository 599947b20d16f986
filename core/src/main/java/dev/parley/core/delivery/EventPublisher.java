package dev.parley.core.delivery;

import dev.parley.core.account.UserId;

import java.util.Collection;

/**
 * Hands an event to every connected device of the given users, on whatever node holds them.
 *
 * <p>Best effort and non-blocking: it returns at once and may be called from the store's writer
 * thread. Delivery of history entries is made reliable by the devices' sequence positions, not by
 * this port: a device that misses an entry notices the gap and fetches it from the store.
 * Entries of one conversation are published in seq order from one node.
 */
public interface EventPublisher {

    void publish(ChatEvent event, Collection<UserId> audience);
}
