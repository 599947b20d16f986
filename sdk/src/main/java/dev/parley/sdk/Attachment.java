package dev.parley.sdk;

import dev.parley.protocol.ServerFrame;

/**
 * A file a message carries, or an upload: its id, the name its sender gave it, its type as the node
 * sniffed it from the content, its size and SHA-256 (hex), and for an image its width and height
 * as shown (0 otherwise). Fetch it with {@link ParleyClient#download}; an image's small preview
 * with {@link ParleyClient#thumbnail}.
 */
public record Attachment(long id, String name, String contentType, long size, String sha256, int width, int height) {

    public boolean isImage() {
        return width > 0 && height > 0;
    }

    static Attachment of(ServerFrame.Attachment a) {
        return new Attachment(a.id(), a.name(), a.contentType(), a.size(), a.sha256(), a.width(), a.height());
    }

    static Attachment from(JsonObject o) {
        return new Attachment(o.integer("id"), o.optString("name"), o.optString("contentType"), o.integer("size", 0),
                o.optString("sha256"), (int) o.integer("width", 0), (int) o.integer("height", 0));
    }
}
