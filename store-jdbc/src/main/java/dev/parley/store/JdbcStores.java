package dev.parley.store;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The store ports on the configured engine, ready to use: what a node opens at start and closes at
 * shutdown. The same store classes serve both engines; only the {@link Shards} under them differ
 * (one SQLite file, or one or more PostgreSQL databases).
 */
public final class JdbcStores implements AutoCloseable {
    private final Shards shards;
    private final SqliteDatabase sqlite;
    private final JdbcAccountStore accounts;
    private final JdbcConversationStore conversations;
    private final JdbcMessageStore messages;

    private JdbcStores(Shards shards, SqliteDatabase sqlite) {
        this.shards = shards;
        this.sqlite = sqlite;
        this.accounts = new JdbcAccountStore(shards);
        this.conversations = new JdbcConversationStore(shards);
        this.messages = new JdbcMessageStore(shards);
    }

    /** Opens (creating and migrating as needed) every database the settings name. */
    public static JdbcStores open(StorageSettings settings) throws SQLException {
        if (settings.engine() == StorageSettings.Engine.SQLITE) {
            SqliteDatabase db = SqliteDatabase.openBehindTheLog(settings.dataDir(), settings.durability(),
                    settings.readers(), settings.maxBatch(), settings.hotLog());
            return new JdbcStores(Shards.of(db), db);
        }
        List<PostgresDatabase> opened = new ArrayList<>();
        try {
            for (String url : settings.postgresUrls()) {
                opened.add(PostgresDatabase.open(url, settings.postgresUser(), settings.postgresPassword(),
                        settings.durability(), settings.postgresPoolSize(), settings.writerLanes(),
                        settings.maxBatch()));
            }
        } catch (SQLException | RuntimeException e) {
            for (PostgresDatabase db : opened) {
                try {
                    db.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        return new JdbcStores(new Shards(opened), null);
    }

    /** Accounts and devices; also the users' last-seen times ({@code LastSeenStore}). */
    public JdbcAccountStore accounts() {
        return accounts;
    }

    public JdbcConversationStore conversations() {
        return conversations;
    }

    public JdbcMessageStore messages() {
        return messages;
    }

    /** The databases, with the writers' statistics summed over them. */
    public Shards shards() {
        return shards;
    }

    /** The SQLite database, for what only it offers (online backup, export); empty on PostgreSQL. */
    public Optional<SqliteDatabase> sqlite() {
        return Optional.ofNullable(sqlite);
    }

    /** The highest id the node has issued, over every shard, to seed its id generator. */
    public long highestIssuedId(int node) {
        return IssuedIds.highest(shards, node);
    }

    @Override
    public void close() {
        shards.close();
    }
}
