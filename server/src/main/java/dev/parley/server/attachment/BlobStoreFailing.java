package dev.parley.server.attachment;

import java.io.IOException;

/**
 * The blob store itself failed (cannot be reached, or answered with an error of its own), as
 * opposed to a blob that is not there: the client is told to retry later ({@code 503
 * unavailable}), not that its request was wrong.
 */
public final class BlobStoreFailing extends IOException {
    public BlobStoreFailing(String message, Throwable cause) {
        super(message, cause);
    }
}
