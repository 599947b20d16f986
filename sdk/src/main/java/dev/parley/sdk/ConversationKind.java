package dev.parley.sdk;

/** A conversation between exactly two users, or a group with a title and roles. */
public enum ConversationKind {
    DIRECT("direct"), GROUP("group");

    private final String wire;

    ConversationKind(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    static ConversationKind fromWire(String wire) {
        return "group".equals(wire) ? GROUP : DIRECT;
    }
}
