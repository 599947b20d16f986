/**
 * The core's store ports on JDBC: SQLite for one node (a file, nothing to install) and PostgreSQL
 * for a cluster.
 *
 * <p>All writes to one database connection go through a {@link dev.parley.store.GroupCommitWriter}:
 * one thread that takes whatever writes are waiting, runs them in one transaction and commits
 * once, so durability costs one flush per batch rather than per message. Reads use a small pool
 * of separate connections (SQLite in WAL mode lets readers run beside the single writer).
 */
package dev.parley.store;
