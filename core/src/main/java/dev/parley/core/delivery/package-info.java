/**
 * What devices must hear about ({@link dev.parley.core.delivery.ChatEvent}) and the port that
 * routes it ({@link dev.parley.core.delivery.EventPublisher}). Invariant: routing is best effort;
 * what makes delivery of history reliable is each device's per-conversation position and the
 * store, never this port. Entries of one conversation are published in seq order.
 */
package dev.parley.core.delivery;
