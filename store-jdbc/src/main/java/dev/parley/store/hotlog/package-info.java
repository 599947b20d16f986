/**
 * The hot log: an append-only log of history entries in preallocated segment files, the durable
 * record of plain appends with SQLite written behind it (docs/benchmarks.md, "The hot log's
 * shape: a measured proposal"; docs/storage.md, "The hot log"). Stage 1 is this library with its
 * own tests; stage 2 has the SQLite writer log its plain appends when {@code storage.hotLog} is
 * on ({@code dev.parley.store.LoggedAppends}, {@code dev.parley.store.LogReplay}).
 *
 * <p>{@link dev.parley.store.hotlog.HotLog} is the log: {@code open} recovers it from a mark
 * (replaying what follows), then one owner thread appends batches ({@link
 * dev.parley.store.hotlog.LogBatch}), erases records in place and retires materialized segments,
 * while any thread reads records back by {@link dev.parley.store.hotlog.LogPosition}.
 * {@link dev.parley.store.hotlog.RecordCodec} is the record format, {@link
 * dev.parley.store.hotlog.SegmentHeader} the segment files' header.
 */
package dev.parley.store.hotlog;
