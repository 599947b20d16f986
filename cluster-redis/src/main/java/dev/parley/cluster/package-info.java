/**
 * Cluster mode on Redis: which node holds which user's connections (routes), node-addressed
 * publish/subscribe that hands events to those nodes, presence across nodes with expiring node
 * heartbeats, which node holds which device (so push skips devices connected anywhere), and
 * cluster-wide control (device disconnects, membership invalidation).
 *
 * <p>Redis is a fast path, not the source of truth: an event lost here is recovered from the
 * database through sequence gaps, and a node that dies is taken out of presence when its
 * heartbeat key expires. Each node keeps its own copy of what Redis should hold for it and writes
 * it again after a lost link or an emptied Redis ({@link dev.parley.cluster.RedisCluster}).
 */
package dev.parley.cluster;
