package dev.parley.sdk;

/** An account as others see it. */
public record User(long userId, String username) {

    static User from(JsonObject o) {
        return new User(o.integer("userId"), o.string("username"));
    }
}
