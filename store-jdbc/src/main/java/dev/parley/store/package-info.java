/**
 * The core's store ports on JDBC: SQLite for one node (a file, nothing to install) and PostgreSQL
 * for one or more nodes, over one or more databases (shards).
 *
 * <p>All writes to one database connection go through a {@link dev.parley.store.GroupCommitWriter}:
 * one thread that takes whatever writes are waiting, runs them in one transaction and commits
 * once, so durability costs one flush per batch rather than per message. SQLite has one writer;
 * a PostgreSQL database has a few, each write going to the one of its key. Reads use separate
 * connections (SQLite in WAL mode lets readers run beside the single writer).
 *
 * <p>The stores work on {@link dev.parley.store.Shards}: a conversation and its history live on
 * the shard of its id, a user's account on the shard of theirs. {@link dev.parley.store.JdbcStores}
 * opens what the configuration names. docs/storage.md describes the layout.
 */
package dev.parley.store;
