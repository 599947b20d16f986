package dev.parley.sdk;

/**
 * An account as others see it: its profile. {@code displayName} is the name the user chose (their
 * username when they chose none; null for a deleted account); {@code avatar} is the version of
 * their avatar (fetch it with {@link ParleyClient#avatar}) or null. Show {@link #shownName()};
 * show the username where someone looks at a user's details (display names are not unique).
 */
public record User(long userId, String username, String displayName, String status, String avatar,
                   boolean deleted) {

    /** What to call the user on screen: the display name, or "Deleted account". */
    public String shownName() {
        if (deleted) {
            return "Deleted account";
        }
        return displayName != null ? displayName : username;
    }

    /** The path of the avatar image on the node, or null without one. */
    public String avatarPath() {
        return avatar == null ? null : "/v1/users/" + userId + "/avatar/" + avatar;
    }

    static User from(JsonObject o) {
        return new User(o.integer("userId"), o.optString("username"), o.optString("displayName"),
                o.optString("status"), o.optString("avatar"), o.has("deleted") && o.bool("deleted"));
    }
}
