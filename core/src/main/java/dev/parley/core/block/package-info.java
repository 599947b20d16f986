/**
 * Blocks. Invariants: a block is one-way and kept on the blocker's side; it acts where an event is
 * produced (direct sends, typing, receipts, presence, push), never by deleting history; each user's
 * {@link dev.parley.core.block.Reach} is cached per node and dropped, cluster-wide, on any change.
 */
package dev.parley.core.block;
