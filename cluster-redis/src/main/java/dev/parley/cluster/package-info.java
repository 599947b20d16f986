/**
 * Cluster mode on Redis: which node holds which user's connections (routes), node-addressed
 * publish/subscribe that hands events to those nodes, presence across nodes with expiring node
 * heartbeats, which node holds which device (so push skips devices connected anywhere), and
 * cluster-wide control (device disconnects, membership invalidation).
 *
 * <p>Redis is a fast path, not the source of truth: an event lost here is recovered from the
 * database through sequence gaps, and a node that dies is taken out of presence when its
 * heartbeat key expires.
 */
package dev.parley.cluster;
