package dev.parley.loadgen;

import io.vertx.core.json.JsonObject;

import java.net.URI;

/** A node this tool did not start, given by {@code --url} (and optionally {@code --node-pid}). */
final class ExternalNode extends Node {
    private final URI url;
    private final long pid;

    ExternalNode(URI url, long pid) {
        this.url = url;
        this.pid = pid;
    }

    @Override
    String host() {
        return url.getHost();
    }

    @Override
    int port() {
        return url.getPort() > 0 ? url.getPort() : 80;
    }

    @Override
    long pid() {
        return pid;
    }

    @Override
    boolean restartable() {
        return false;
    }

    @Override
    JsonObject describe() {
        return new JsonObject().put("mode", "external").put("url", url.toString()).put("pid", pid);
    }

    @Override
    public void close() {
        // not ours to stop
    }
}
