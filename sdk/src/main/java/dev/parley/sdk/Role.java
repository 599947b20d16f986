package dev.parley.sdk;

/** A member's role in a group. Direct conversations have only members. */
public enum Role {
    OWNER("owner"), ADMIN("admin"), MEMBER("member");

    private final String wire;

    Role(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** The role with this wire name, or null for null or a name this SDK does not know. */
    public static Role fromWire(String wire) {
        for (Role r : values()) {
            if (r.wire.equals(wire)) {
                return r;
            }
        }
        return null;
    }
}
