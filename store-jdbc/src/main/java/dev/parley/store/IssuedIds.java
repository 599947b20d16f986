package dev.parley.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** The highest id a node has issued, from what storage holds, to seed its id generator. */
public final class IssuedIds {
    private IssuedIds() {
    }

    /** Highest user, device or conversation id with {@code node} in its node bits, over every shard (0 if none). */
    public static long highest(Shards shards, int node) {
        long max = 0;
        for (Database db : shards.all()) {
            max = Math.max(max, highest(db, node));
        }
        return max;
    }

    /** Highest user, device or conversation id with {@code node} in its node bits (0 if none). */
    public static long highest(Database db, int node) {
        return db.read(s -> {
            long max = 0;
            for (String table : new String[]{"users", "devices", "conversations"}) {
                // Bits 16-20 of an id hold the node number (see IdGenerator).
                PreparedStatement ps = s.prepare("SELECT max(id) FROM " + table + " WHERE ((id / 65536) % 32) = ?");
                ps.setInt(1, node);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        max = Math.max(max, rs.getLong(1));
                    }
                }
            }
            return max;
        });
    }
}
