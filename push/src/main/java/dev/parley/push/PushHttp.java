package dev.parley.push;

import dev.parley.core.ChatException;
import dev.parley.core.push.PushOutcome;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * The HTTP client every gateway uses: HTTP/2 where the server offers it (APNs requires it),
 * HTTP/1.1 otherwise, no automatic redirects, bounded timeouts. TLS trusts the JDK's default
 * authorities, or only the certificates of {@code push.trustCertificates} when set (for test
 * endpoints or a private gateway).
 */
final class PushHttp {
    private static final int MAX_REDIRECTS = 3;

    private final HttpClient client;
    private final Duration timeout;
    private final TargetGuard guard;

    PushHttp(Path trustCertificates, Duration timeout, TargetGuard guard) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout);
        if (trustCertificates != null) {
            b.sslContext(trusting(trustCertificates));
        }
        this.client = b.build();
        this.timeout = timeout;
        this.guard = guard;
    }

    Duration timeout() {
        return timeout;
    }

    /** A request to a configured provider URL (no target checks, no redirects). */
    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Thrown when a target's URL, or a redirect from it, may not be called. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A request to a URL a device registered: the guard checks the resolved address before the
     * request and before following each 307/308 redirect (up to three), which re-sends the same
     * request to the new location.
     */
    HttpResponse<String> sendToTarget(URI uri, Function<URI, HttpRequest> request)
            throws IOException, InterruptedException, Refused {
        URI at = uri;
        for (int hop = 0; ; hop++) {
            try {
                guard.checkUri(at, "url");
            } catch (ChatException e) {
                throw new Refused(e.getMessage());
            }
            HttpResponse<String> r = send(request.apply(at));
            int status = r.statusCode();
            if ((status == 307 || status == 308) && hop < MAX_REDIRECTS) {
                String location = r.headers().firstValue("Location").orElse(null);
                if (location == null) {
                    return r;
                }
                at = at.resolve(location);
                continue;
            }
            return r;
        }
    }

    /**
     * {@link #sendToTarget} read as a push outcome: a refused URL fails the notification, a
     * transport error is retried.
     */
    PushOutcome deliverToTarget(URI uri, Function<URI, HttpRequest> request) {
        try {
            return outcome(sendToTarget(uri, request));
        } catch (Refused e) {
            return new PushOutcome.Failed(e.getMessage());
        } catch (IOException e) {
            return PushOutcome.retry(null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PushOutcome.retry(null, "interrupted");
        }
    }

    /** The {@code Retry-After} of an answer (seconds or an HTTP date), or null. */
    static Duration retryAfter(HttpResponse<?> r) {
        String v = r.headers().firstValue("Retry-After").orElse(null);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim())));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                return Duration.ofMillis(Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis()));
            } catch (DateTimeParseException ignored) {
                return null;
            }
        }
    }

    /** The common reading of an answer: 2xx delivered, 404/410 gone, 429/5xx retry, the rest failed. */
    static PushOutcome outcome(HttpResponse<String> r) {
        int s = r.statusCode();
        if (s >= 200 && s < 300) {
            return PushOutcome.DELIVERED;
        }
        if (s == 404 || s == 410) {
            return new PushOutcome.Gone("HTTP " + s);
        }
        if (s == 429 || s >= 500) {
            return PushOutcome.retry(retryAfter(r), "HTTP " + s);
        }
        return new PushOutcome.Failed("HTTP " + s + " " + abbreviate(r.body()));
    }

    static String abbreviate(String body) {
        if (body == null) {
            return "";
        }
        String b = body.strip();
        return b.length() > 200 ? b.substring(0, 200) + "..." : b;
    }

    private static SSLContext trusting(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("trusted-" + i++, c);
            }
            if (i == 0) {
                throw new IllegalArgumentException(pem + ": no certificate found");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("push.trustCertificates: cannot read " + pem + ": " + e.getMessage(), e);
        }
    }
}
