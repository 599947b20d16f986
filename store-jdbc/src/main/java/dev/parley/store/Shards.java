package dev.parley.store;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The databases the stores partition their data over, and which one holds what. SQLite is always
 * one shard; PostgreSQL is one or more databases with the same schema (docs/storage.md).
 *
 * <ul>
 *   <li>A conversation and everything about it (its row, members, receipt positions, history)
 *       lives on {@link #forConversation}: an append, a membership change or a receipt touches one
 *       database, in one transaction.</li>
 *   <li>A user's account and devices live on {@link #forUser}; the claim of a username on
 *       {@link #forUsername}; the direct pair of two users on the shard of the lower user id.</li>
 * </ul>
 *
 * <p>The shard of a key is {@code floorMod(mix(key), n)}, with {@link #mix} a fixed 64-bit
 * finalizer. It is part of the storage format: the list of databases must keep its order, and
 * changing its length needs the data moved (there is no online resharding).
 */
public final class Shards implements AutoCloseable {
    private final List<Database> databases;
    private final Dialect dialect;

    public Shards(List<? extends Database> databases) {
        if (databases.isEmpty()) {
            throw new IllegalArgumentException("at least one database is needed");
        }
        this.databases = List.copyOf(databases);
        this.dialect = this.databases.getFirst().dialect();
        for (Database db : this.databases) {
            if (db.dialect() != dialect) {
                throw new IllegalArgumentException("all shards must be on one engine");
            }
        }
    }

    /** One database holding everything. */
    public static Shards of(Database db) {
        return new Shards(List.of(db));
    }

    public int size() {
        return databases.size();
    }

    public List<Database> all() {
        return databases;
    }

    public Database get(int index) {
        return databases.get(index);
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The index of the shard holding the key ({@code 0 <= i < size()}). */
    public int indexOf(long key) {
        return databases.size() == 1 ? 0 : Math.floorMod(mix(key), databases.size());
    }

    public Database forKey(long key) {
        return databases.get(indexOf(key));
    }

    /** The database holding the conversation, its members and its history. */
    public Database forConversation(ConversationId id) {
        return forKey(id.value());
    }

    /** The database holding the user's account and devices. */
    public Database forUser(UserId id) {
        return forKey(id.value());
    }

    /** The database holding the claim of a username (which user has it). */
    public Database forUsername(String username) {
        return forKey(usernameKey(username));
    }

    /** The 64-bit key a username is sharded and ordered by: FNV-1a over its UTF-8 bytes. */
    public static long usernameKey(String username) {
        long h = 0xcbf29ce484222325L;
        for (byte b : username.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /**
     * Spreads a key's bits (the SplitMix64 finalizer). Ids are time-ordered with a per-second
     * counter in their low bits, so their plain remainder would put most ids of a quiet system on
     * one shard.
     */
    public static long mix(long key) {
        long z = key;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    // Writer statistics summed over every writer of every shard, for metrics.

    public int queued() {
        return databases.stream().flatMap(d -> d.writers().stream()).mapToInt(GroupCommitWriter::queued).sum();
    }

    public long batches() {
        return databases.stream().flatMap(d -> d.writers().stream()).mapToLong(GroupCommitWriter::batches).sum();
    }

    public long tasks() {
        return databases.stream().flatMap(d -> d.writers().stream()).mapToLong(GroupCommitWriter::tasks).sum();
    }

    /** Batches run again because they met a concurrent write (deadlock, serialization failure). */
    public long retries() {
        return databases.stream().flatMap(d -> d.writers().stream()).mapToLong(GroupCommitWriter::retries).sum();
    }

    /** Called with each committed batch's size, from every writer (for metrics). */
    /** Writers failing because of their storage, over every database. */
    public List<GroupCommitWriter.Fault> faults() {
        return databases.stream().flatMap(d -> d.faults().stream()).toList();
    }

    public void onBatch(IntConsumer listener) {
        databases.forEach(d -> d.writers().forEach(w -> w.onBatch(listener)));
    }

    /** Closes every database, each once, even when one fails to close. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (Database db : databases) {
            try {
                db.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
