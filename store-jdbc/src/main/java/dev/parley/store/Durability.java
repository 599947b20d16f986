package dev.parley.store;

import java.util.Locale;

/** How far a commit must reach before a write is confirmed. */
public enum Durability {
    /** Flushed to the disk (fsync): a confirmed message survives power loss. The default. */
    FSYNC,
    /** Handed to the operating system: a confirmed message survives a crash of the node's process. */
    OS;

    public static Durability parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "fsync" -> FSYNC;
            case "os" -> OS;
            default -> throw new IllegalArgumentException("durability must be 'fsync' or 'os', not '" + s + "'");
        };
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
