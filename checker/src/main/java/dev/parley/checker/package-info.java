/**
 * The consistency checker: given what every device sent, got confirmed, got refused and
 * received during a run, and the histories the store holds at its end, it counts every breach of
 * "the same history on every device". Depends on nothing, so a single-node run, a cluster run and
 * a long soak all use the same checker.
 */
package dev.parley.checker;
