package dev.parley.core.profile;

/** What a user set about themselves; each field null when not set. */
public record ProfileFields(String displayName, String status, String avatar) {
    public static final ProfileFields NONE = new ProfileFields(null, null, null);
}
