package dev.parley.server.http;

import dev.parley.core.ChatException;
import dev.parley.core.account.Caller;
import dev.parley.core.attachment.Attachment;
import dev.parley.protocol.ErrorCode;
import dev.parley.server.Blocking;
import dev.parley.server.attachment.AttachmentIntake;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Attachments over REST (docs/protocol.md, "Attachments"): the upload, streamed to a file as it
 * arrives (never held whole in memory) and cut off at the size limit; the description; the bytes,
 * with {@code Range}, {@code ETag} and the headers that keep a browser from running what it fetched;
 * and an image's thumbnail. Mounted before the API's JSON body handler: the upload's body is the file.
 */
final class AttachmentRoutes {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AttachmentRoutes.class);
    static final String UPLOAD = "/v1/attachments";
    /** What a refused upload's body is read and dropped up to, at least (see discardBody). */
    static final long DISCARD_AT_LEAST = 1024 * 1024;
    /** The longest file name kept, in characters; longer names are cut. */
    static final int MAX_NAME_CHARS = 255;

    private final ApiServices s;
    private final AttachmentIntake intake;
    private final Responder respond;
    private final dev.parley.server.attachment.UploadSlots slots;

    AttachmentRoutes(ApiServices services, Responder respond) {
        this.s = services;
        this.intake = services.attachments();
        this.respond = respond;
        this.slots = intake.slots();
    }

    void mount(Router r) {
        r.post(UPLOAD).handler(this::upload);
        r.get(UPLOAD + "/:attachmentId").handler(ctx -> respond.authed(ctx, 200, caller ->
                Views.attachment(intake.service().readable(caller, Requests.pathId(ctx, "attachmentId")))));
        r.get(UPLOAD + "/:attachmentId/content").handler(this::content);
        r.get(UPLOAD + "/:attachmentId/thumbnail").handler(this::thumbnail);
    }

    private static String token(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    }

    private Caller authenticate(String token) {
        if (token == null) {
            throw new ChatException(ChatException.Refusal.UNAUTHENTICATED, "missing bearer token");
        }
        return s.accounts().authenticate(token);
    }

    // The upload.

    private void upload(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        req.pause();
        String token = token(ctx);
        if (token == null) {
            refuseUnread(ctx, ErrorCode.UNAUTHENTICATED, "missing bearer token");
            return;
        }
        long max = intake.service().limits().maxBytes();
        long declared = declaredLength(req);
        if (declared > max) {
            refuseUnread(ctx, ErrorCode.TOO_LARGE, "an upload is at most " + max + " bytes");
            return;
        }
        String name;
        try {
            name = fileName(req.getParam("name"));
        } catch (ApiException e) {
            refuseUnread(ctx, e.code(), e.getMessage());
            return;
        }
        Blocking.run(ctx.vertx().getOrCreateContext(), () -> {
            Caller caller = authenticate(token);
            intake.service().admit(caller.userId(), Math.max(0, declared));
            Runnable release = slots.take(caller.userId());
            try {
                return new Started(caller, intake.newIncomingFile(), release);
            } catch (java.io.IOException | RuntimeException e) {
                release.run();
                throw e;
            }
        }).onComplete(ar -> {
            if (ar.failed()) {
                respond.fail(ctx, ar.cause());
                discardBody(ctx, max);
                return;
            }
            receive(ctx, ar.result(), name, max);
        });
    }

    /** An upload being received: whose, into which file, and the slot it holds until it ends. */
    private record Started(Caller caller, Path file, Runnable release) {
    }

    /** Streams the body into the file, then hands it to the intake; the file is removed on any failure. */
    private void receive(RoutingContext ctx, Started started, String name, long max) {
        HttpServerRequest req = ctx.request();
        AtomicBoolean done = new AtomicBoolean();
        ctx.vertx().fileSystem().open(started.file().toString(), new OpenOptions().setWrite(true).setCreate(false))
                .onFailure(err -> {
                    started.release().run();
                    deleteLater(ctx, started.file());
                    respond.fail(ctx, err);
                })
                .onSuccess(file -> {
                    long[] received = {0};
                    Runnable abandon = () -> {
                        if (done.compareAndSet(false, true)) {
                            started.release().run();
                            file.close().onComplete(v -> deleteLater(ctx, started.file()));
                        }
                    };
                    ctx.response().closeHandler(v -> abandon.run());
                    req.exceptionHandler(err -> abandon.run());
                    // A write that fails (a full disk) drops the upload: never store a file cut short.
                    io.vertx.core.Handler<Throwable> writeFailed = err -> {
                        if (!done.get()) {
                            abandon.run();
                            respond.fail(ctx, new ChatException(ChatException.Refusal.UNAVAILABLE,
                                    "the upload could not be written; retry later"));
                            discardBody(ctx, max);
                        }
                    };
                    file.exceptionHandler(writeFailed);
                    req.handler(chunk -> {
                        if (done.get()) {
                            return;
                        }
                        received[0] += chunk.length();
                        if (received[0] > max) {
                            abandon.run();
                            respond.error(ctx, ErrorCode.TOO_LARGE, "an upload is at most " + max + " bytes");
                            discardBody(ctx, max);
                            return;
                        }
                        file.write(chunk).onFailure(writeFailed);
                        if (file.writeQueueFull()) {
                            req.pause();
                            file.drainHandler(v -> req.resume());
                        }
                    });
                    req.endHandler(v -> {
                        if (!done.compareAndSet(false, true)) {
                            return;
                        }
                        file.close().onComplete(closed -> {
                            if (closed.failed()) {
                                started.release().run();
                                deleteLater(ctx, started.file());
                                respond.fail(ctx, new ChatException(ChatException.Refusal.UNAVAILABLE,
                                        "the upload could not be written; retry later"));
                                return;
                            }
                            if (received[0] == 0) {
                                started.release().run();
                                deleteLater(ctx, started.file());
                                respond.error(ctx, ErrorCode.MISSING_FIELD, "send the file as the request body");
                                return;
                            }
                            respond.open(ctx, 201, () -> {
                                try {
                                    return Views.attachment(intake.take(started.caller(), started.file(), name));
                                } finally {
                                    started.release().run();
                                }
                            });
                        });
                    });
                    if ("100-continue".equalsIgnoreCase(req.getHeader("Expect"))) {
                        // The client waits for this before sending the body (curl does for large files).
                        ctx.response().writeContinue();
                    }
                    req.resume();
                });
    }

    private static long declaredLength(HttpServerRequest req) {
        String length = req.getHeader("Content-Length");
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Answers before reading the body; then reads and drops it, as {@link #discardBody} says. */
    private void refuseUnread(RoutingContext ctx, ErrorCode code, String message) {
        respond.error(ctx, code, message);
        discardBody(ctx, intake.service().limits().maxBytes());
    }

    /**
     * Reads the rest of a refused upload's body and drops it, so a client that sends its whole body
     * before reading the answer gets the answer (many do); past {@code limit} more bytes (or with a
     * declared length over it) the connection is closed instead, so a refused client cannot make
     * the node read without end.
     */
    private static void discardBody(RoutingContext ctx, long maxBytes) {
        HttpServerRequest req = ctx.request();
        if (req.isEnded()) {
            return;
        }
        long limit = Math.max(maxBytes, DISCARD_AT_LEAST);
        if (declaredLength(req) > 2 * limit) {
            ctx.response().endHandler(v -> req.connection().close());
            return;
        }
        long[] dropped = {0};
        req.handler(chunk -> {
            dropped[0] += chunk.length();
            if (dropped[0] > limit) {
                req.handler(null);
                req.connection().close();
            }
        });
        req.endHandler(v -> { });
        req.exceptionHandler(err -> { });
        req.resume();
    }

    private static void deleteLater(RoutingContext ctx, Path file) {
        Blocking.run(ctx.vertx().getOrCreateContext(), () -> Files.deleteIfExists(file));
    }

    /**
     * The name the uploader gave the file, as a name and never a path: the last path segment,
     * without control or formatting characters, at most {@value #MAX_NAME_CHARS} characters.
     */
    static String fileName(String raw) {
        if (raw == null || raw.isBlank()) {
            return "file";
        }
        String name = raw.substring(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1);
        StringBuilder sb = new StringBuilder(name.length());
        name.codePoints().filter(c -> !Character.isISOControl(c) && Character.getType(c) != Character.FORMAT)
                .forEach(sb::appendCodePoint);
        String clean = sb.toString().strip();
        if (clean.isEmpty() || clean.equals(".") || clean.equals("..")) {
            return "file";
        }
        if (clean.length() > MAX_NAME_CHARS) {
            int cut = MAX_NAME_CHARS;
            if (Character.isLowSurrogate(clean.charAt(cut))) {
                cut--;
            }
            clean = clean.substring(0, cut);
        }
        return clean;
    }

    // Downloads.

    /**
     * What a download sends: the attachment, and its bytes as a local file (sent by the event
     * loop without copying) or, from a remote store, as a stream already opened for {@code range}
     * (null: the whole file; no stream for a 304).
     */
    private record Download(Attachment attachment, Path file, long[] range, boolean notModified,
                            java.io.InputStream stream) {
    }

    private void content(RoutingContext ctx) {
        String token = token(ctx);
        String match = ctx.request().getHeader("If-None-Match");
        String rangeHeader = ctx.request().getHeader("Range");
        Blocking.run(ctx.vertx().getOrCreateContext(), () -> {
            Caller caller = authenticate(token);
            Attachment a = intake.service().readable(caller, Requests.pathId(ctx, "attachmentId"));
            long[] range = range(rangeHeader, a.size());
            boolean notModified = match != null && (match.strip().equals("*") || match.contains(etag(a)));
            Path file = intake.blobs().file(a.sha256()).orElse(null);
            java.io.InputStream stream = null;
            try {
                if (file == null && !notModified) {
                    stream = range == null ? intake.blobs().open(a.sha256(), 0, a.size())
                            : intake.blobs().open(a.sha256(), range[0], range[1] - range[0] + 1);
                } else if (file == null && !intake.blobs().contains(a.sha256())) {
                    throw ChatException.notFound("attachment");
                }
            } catch (java.nio.file.NoSuchFileException e) {
                throw ChatException.notFound("attachment");
            } catch (dev.parley.server.attachment.BlobStoreFailing e) {
                log.warn("fetching an attachment failed: {}", e.getMessage());
                throw new ChatException(ChatException.Refusal.UNAVAILABLE,
                        "the attachment store is not available; retry later");
            }
            return new Download(a, file, range, notModified, stream);
        }).onComplete(ar -> {
            if (ar.failed()) {
                respond.fail(ctx, ar.cause());
                return;
            }
            Download d = ar.result();
            Attachment a = d.attachment();
            HttpServerResponse res = ctx.response();
            safeHeaders(res, a).putHeader("ETag", etag(a)).putHeader("Accept-Ranges", "bytes");
            if (d.notModified()) {
                res.setStatusCode(304).end();
                return;
            }
            long[] range = d.range();
            if (range != null) {
                res.setStatusCode(206).putHeader("Content-Range", "bytes " + range[0] + "-" + range[1] + "/" + a.size());
            }
            if (d.stream() != null) {
                long length = range == null ? a.size() : range[1] - range[0] + 1;
                stream(ctx, d.stream(), length);
            } else if (range == null) {
                res.sendFile(d.file().toString());
            } else {
                res.sendFile(d.file().toString(), range[0], range[1] - range[0] + 1);
            }
        });
    }

    private static String etag(Attachment a) {
        return "\"" + a.sha256() + "\"";
    }

    /**
     * Sends {@code length} bytes of {@code in} (a remote store's object) as the body, on a virtual
     * thread, one chunk written at a time: a chunk is read only once the client has taken the one
     * before, so a slow client holds one chunk, not the file. A store that fails or ends early
     * closes the connection, so the client sees the body cut short (its length was declared), not a
     * whole file.
     */
    private static void stream(RoutingContext ctx, java.io.InputStream in, long length) {
        HttpServerResponse res = ctx.response();
        res.putHeader("Content-Length", Long.toString(length));
        Blocking.executor().execute(() -> {
            long sent = 0;
            try (in) {
                byte[] chunk = new byte[64 * 1024];
                while (sent < length) {
                    int n = in.read(chunk, 0, (int) Math.min(chunk.length, length - sent));
                    if (n < 0) {
                        break;
                    }
                    res.write(Buffer.buffer(n).appendBytes(chunk, 0, n)).toCompletionStage().toCompletableFuture().join();
                    sent += n;
                }
            } catch (java.util.concurrent.CompletionException e) {
                // The client went away (or stopped reading until the idle timeout): nothing to report.
                log.debug("attachment download ended by the client after {} of {} bytes", sent, length);
            } catch (java.io.IOException | RuntimeException e) {
                log.warn("attachment download cut off after {} of {} bytes: {}", sent, length, e.toString());
            }
            if (sent == length) {
                res.end();
            } else {
                ctx.request().connection().close();
            }
        });
    }

    private void thumbnail(RoutingContext ctx) {
        String token = token(ctx);
        Blocking.run(ctx.vertx().getOrCreateContext(), () -> {
            Caller caller = authenticate(token);
            Attachment a = intake.service().readable(caller, Requests.pathId(ctx, "attachmentId"));
            return intake.service().thumbnail(a).orElseThrow(() -> ChatException.notFound("thumbnail"));
        }).onComplete(ar -> {
            if (ar.failed()) {
                respond.fail(ctx, ar.cause());
                return;
            }
            ctx.response().putHeader("Content-Type", "image/jpeg")
                    .putHeader("Content-Security-Policy", "default-src 'none'; sandbox")
                    .putHeader("Cross-Origin-Resource-Policy", "same-origin")
                    .putHeader("Cache-Control", "private, no-cache")
                    .end(Buffer.buffer(ar.result()));
        });
    }

    /**
     * What keeps a browser from running a fetched file: the sniffed type with {@code nosniff}
     * (set on every answer), a sandboxing CSP, and {@code Content-Disposition: attachment} for
     * anything but images. Cached privately and revalidated, since access can be lost.
     */
    private static HttpServerResponse safeHeaders(HttpServerResponse res, Attachment a) {
        String type = a.contentType().equals("text/plain") ? "text/plain; charset=utf-8" : a.contentType();
        String disposition = a.image() ? "inline" : "attachment";
        return res.putHeader("Content-Type", type)
                .putHeader("Content-Disposition", disposition + "; filename=\"" + asciiName(a.name())
                        + "\"; filename*=UTF-8''" + URLEncoder.encode(a.name(), StandardCharsets.UTF_8).replace("+", "%20"))
                .putHeader("Content-Security-Policy", "default-src 'none'; sandbox")
                .putHeader("Cross-Origin-Resource-Policy", "same-origin")
                .putHeader("Cache-Control", "private, no-cache");
    }

    private static String asciiName(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '_');
        }
        return sb.toString();
    }

    /**
     * The one byte range {@code header} asks for, as first and last offset within {@code size}, or
     * null to send the whole file: no header, several ranges, or one that cannot be satisfied
     * (HTTP lets a server ignore {@code Range}).
     */
    static long[] range(String header, long size) {
        if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0 || size == 0) {
            return null;
        }
        String spec = header.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String from = spec.substring(0, dash).strip();
            String to = spec.substring(dash + 1).strip();
            long first;
            long last;
            if (from.isEmpty()) {
                long suffix = Long.parseLong(to);
                if (suffix <= 0) {
                    return null;
                }
                first = Math.max(0, size - suffix);
                last = size - 1;
            } else {
                first = Long.parseLong(from);
                last = to.isEmpty() ? size - 1 : Math.min(Long.parseLong(to), size - 1);
            }
            return first < 0 || first > last || first >= size ? null : new long[]{first, last};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
