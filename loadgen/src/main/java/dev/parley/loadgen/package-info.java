/**
 * The load generator behind {@code parley bench}: workloads that drive a node over the real
 * protocol on real sockets ({@link dev.parley.loadgen.Device} on Vert.x's native transport, with
 * hand-tuned frame encoding and scanning in {@link dev.parley.loadgen.Wire}), measure rates and
 * latencies ({@link dev.parley.loadgen.Stats}), and check at the end that nothing confirmed was
 * lost, repeated or reordered ({@link dev.parley.loadgen.Correctness}). docs/benchmarks.md says
 * how to run each workload and what it measures.
 */
package dev.parley.loadgen;
