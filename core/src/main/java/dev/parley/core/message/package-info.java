/**
 * Conversation histories and the send path. Invariants (the five guarantees): an entry is durable
 * before the sender is told; each conversation has one order, dense seqs 1, 2, 3 ...; a send
 * retried under the same client id is stored once; pages are read by seq, so a device that
 * resumes from its position misses nothing; only members may append or read.
 */
package dev.parley.core.message;
