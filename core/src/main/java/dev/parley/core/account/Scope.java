package dev.parley.core.account;

import java.util.EnumSet;
import java.util.Set;

/**
 * What an API token may do (docs/protocol.md, "Bots and API tokens"): {@code read} history and
 * what arrives, {@code send} messages, receipts and typing, {@code manage} everything else a
 * login may (conversations, groups, profile). A login holds all three.
 */
public enum Scope {
    READ, SEND, MANAGE;

    public static final Set<Scope> ALL = Set.copyOf(EnumSet.allOf(Scope.class));

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The scope with this wire name, or null. */
    public static Scope parse(String wire) {
        for (Scope s : values()) {
            if (s.wire().equals(wire)) {
                return s;
            }
        }
        return null;
    }

    /** As stored: wire names, comma-separated, in declaration order. */
    public static String encode(Set<Scope> scopes) {
        StringBuilder b = new StringBuilder();
        for (Scope s : values()) {
            if (scopes.contains(s)) {
                b.append(b.isEmpty() ? "" : ",").append(s.wire());
            }
        }
        return b.toString();
    }

    public static Set<Scope> decode(String stored) {
        EnumSet<Scope> out = EnumSet.noneOf(Scope.class);
        for (String part : stored.split(",")) {
            Scope s = parse(part);
            if (s != null) {
                out.add(s);
            }
        }
        return Set.copyOf(out);
    }
}
