package dev.parley.sdk;

import java.util.Objects;

/**
 * One logged-in device: the token that acts as it, and whose device it is. The token is a secret;
 * {@link #toString()} leaves it out.
 */
public record Session(String token, long userId, long deviceId, String username) {

    public Session {
        Objects.requireNonNull(token, "token");
    }

    @Override
    public String toString() {
        return "Session[userId=" + userId + ", deviceId=" + deviceId + ", username=" + username + "]";
    }
}
