package dev.parley.core.profile;

/** A stored avatar: the small re-encoded image (never the upload as sent), its type and version. */
public record AvatarImage(String version, String contentType, byte[] bytes) {
}
