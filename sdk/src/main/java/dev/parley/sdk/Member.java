package dev.parley.sdk;

/** A member of a conversation with their role, receipt positions and profile. */
public record Member(long userId, String username, Role role, long delivered, long read, User profile) {

    static Member from(JsonObject o) {
        return new Member(o.integer("userId"), o.optString("username"), Role.fromWire(o.optString("role")),
                o.integer("delivered", 0), o.integer("read", 0), User.from(o));
    }
}
