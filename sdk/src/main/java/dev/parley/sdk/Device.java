package dev.parley.sdk;

/** One of the caller's logins; {@code current} marks the device making the call. Times in ms. */
public record Device(long deviceId, String name, long createdAt, long lastSeenAt, boolean current) {

    static Device from(JsonObject o) {
        return new Device(o.integer("deviceId"), o.optString("name"), o.integer("createdAt", 0),
                o.integer("lastSeenAt", 0), o.has("current") && o.bool("current"));
    }
}
