package dev.parley.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where and how the stores keep their data: an embedded SQLite file under {@code dataDir}, or one
 * or more PostgreSQL databases (shards; their order is part of the data layout, see
 * docs/storage.md). The server builds this from its configuration's {@code storage} section.
 *
 * @param readers          SQLite: read-only connections
 * @param maxBatch         most writes one commit takes
 * @param postgresPoolSize PostgreSQL: read connections per database
 * @param writerLanes      PostgreSQL: writer connections (group-commit threads) per database
 * @param hotLog           SQLite: plain appends also go to the hot log in {@code dataDir/log} (stage 2 of
 *                         issue 19, off by default; docs/storage.md, "The hot log")
 */
public record StorageSettings(Engine engine, Path dataDir, Durability durability, int readers, int maxBatch,
                              List<String> postgresUrls, String postgresUser, String postgresPassword,
                              int postgresPoolSize, int writerLanes, boolean hotLog) {

    public enum Engine { SQLITE, POSTGRES }

    public StorageSettings {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(durability, "durability");
        postgresUrls = postgresUrls == null ? List.of() : List.copyOf(postgresUrls);
        if (engine == Engine.SQLITE) {
            Objects.requireNonNull(dataDir, "dataDir");
        } else if (postgresUrls.isEmpty()) {
            throw new IllegalArgumentException("PostgreSQL storage needs at least one database URL");
        }
        if (readers < 1 || maxBatch < 1 || postgresPoolSize < 1 || writerLanes < 1) {
            throw new IllegalArgumentException("readers, maxBatch, postgresPoolSize and writerLanes must be positive");
        }
    }

    public static StorageSettings sqlite(Path dataDir, Durability durability, int readers, int maxBatch) {
        return new StorageSettings(Engine.SQLITE, dataDir, durability, readers, maxBatch, List.of(), null, null, 1, 1,
                false);
    }

    /** PostgreSQL over {@code urls}, one database per shard, with the default number of writer lanes. */
    public static StorageSettings postgres(List<String> urls, String user, String password, int poolSize,
                                           Durability durability, int maxBatch) {
        return new StorageSettings(Engine.POSTGRES, null, durability, 1, maxBatch, urls, user, password, poolSize,
                PostgresDatabase.DEFAULT_LANES, false);
    }

    public StorageSettings withWriterLanes(int lanes) {
        return new StorageSettings(engine, dataDir, durability, readers, maxBatch, postgresUrls, postgresUser,
                postgresPassword, postgresPoolSize, lanes, hotLog);
    }

    /** With the hot log on or off (SQLite only; PostgreSQL ignores it). */
    public StorageSettings withHotLog(boolean on) {
        return new StorageSettings(engine, dataDir, durability, readers, maxBatch, postgresUrls, postgresUser,
                postgresPassword, postgresPoolSize, writerLanes, on);
    }

    @Override
    public String toString() {
        return "StorageSettings[engine=" + engine + ", dataDir=" + dataDir + ", durability=" + durability.wire()
                + ", readers=" + readers + ", maxBatch=" + maxBatch + ", postgresUrls="
                + postgresUrls.stream().map(PostgresDatabase::safe).toList() + ", postgresUser=" + postgresUser
                + ", postgresPassword=" + (postgresPassword == null ? "none" : "***") + ", postgresPoolSize="
                + postgresPoolSize + ", writerLanes=" + writerLanes + ", hotLog=" + hotLog + "]";
    }
}
