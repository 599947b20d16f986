package dev.parley.pushgateway;

import dev.parley.core.ChatException;
import dev.parley.core.push.PushOutcome;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
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
import java.util.Map;
import java.util.function.Function;

/**
 * The HTTP clients the gateways use, no automatic redirects, bounded timeouts. TLS trusts the
 * JDK's default authorities, or only the certificates of {@code push.trustCertificates} when set
 * (for test endpoints or a private gateway).
 *
 * <p>Configured providers (FCM, APNs) go through the JDK's client, HTTP/2 where offered (APNs
 * requires it). URLs a device registered (Web Push endpoints, webhooks) go through Apache
 * HttpClient over HTTP/1.1, whose name resolution is the {@link TargetGuard}'s: each connection
 * goes to an address checked in the same look-up (the JDK's client cannot be given a resolver).
 */
final class PushHttp implements AutoCloseable {
    private static final int MAX_REDIRECTS = 3;
    /** Enough of an error answer for a log line; the rest is not read. */
    private static final int MAX_ANSWER_BYTES = 4096;

    private final SSLContext tls;
    private final Duration timeout;
    private final TargetGuard guard;
    /*
     * Both clients are built at their first request, not with the node: building them sets up
     * TLS (the default SSL context, its trust store and algorithm tables), ~0.1 s of a start's
     * path to ready on the 2-core machine, for pushes that come later if at all.
     */
    private HttpClient client;
    private CloseableHttpClient targets;
    private boolean closed;

    PushHttp(Path trustCertificates, Duration timeout, TargetGuard guard) {
        // Read now: a bad push.trustCertificates refuses the start instead of failing every push.
        this.tls = trustCertificates == null ? null : trusting(trustCertificates);
        this.timeout = timeout;
        this.guard = guard;
    }

    private synchronized HttpClient client() throws IOException {
        if (closed) {
            throw new IOException("push client closed");
        }
        if (client == null) {
            HttpClient.Builder b = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_2)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(timeout);
            if (tls != null) {
                b.sslContext(tls);
            }
            client = b.build();
        }
        return client;
    }

    private synchronized CloseableHttpClient targets() throws IOException {
        if (closed) {
            throw new IOException("push client closed");
        }
        if (targets == null) {
            targets = targetClient(tls, timeout, guard);
        }
        return targets;
    }

    private static CloseableHttpClient targetClient(SSLContext tls, Duration timeout, TargetGuard guard) {
        Timeout t = Timeout.of(timeout);
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(guard.resolver())
                .setTlsSocketStrategy(tls == null ? DefaultClientTlsStrategy.createSystemDefault()
                        : ClientTlsStrategyBuilder.create().setSslContext(tls).buildClassic())
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(t).setSocketTimeout(t).build())
                .setMaxConnTotal(64)
                .setMaxConnPerRoute(8)
                .build();
        return HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(t).setResponseTimeout(t).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
    }

    /** A POST to a device's URL: its headers and body, made again for each redirect hop's URI. */
    record TargetRequest(Map<String, String> headers, byte[] body) {
    }

    /** A target's answer: its status, the start of its body, and the headers the gateways read. */
    record TargetAnswer(int status, String body, String retryAfter, String location) {
    }

    Duration timeout() {
        return timeout;
    }

    /** A request to a configured provider URL (no target checks, no redirects). */
    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client().send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Thrown when a target's URL, or a redirect from it, may not be called. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A POST to a URL a device registered: the guard checks the URL before the request and before
     * following each 307/308 redirect (up to three), which re-sends the same request to the new
     * location; the connection itself goes only to addresses the guard passed.
     */
    TargetAnswer sendToTarget(URI uri, Function<URI, TargetRequest> request) throws IOException, Refused {
        URI at = uri;
        for (int hop = 0; ; hop++) {
            try {
                guard.checkUri(at, "url");
            } catch (ChatException e) {
                throw new Refused(e.getMessage());
            }
            TargetAnswer r = post(at, request.apply(at));
            if ((r.status() == 307 || r.status() == 308) && hop < MAX_REDIRECTS && r.location() != null) {
                at = at.resolve(r.location());
                continue;
            }
            return r;
        }
    }

    private TargetAnswer post(URI uri, TargetRequest request) throws IOException, Refused {
        HttpPost post = new HttpPost(uri);
        request.headers().forEach(post::setHeader);
        post.setEntity(new ByteArrayEntity(request.body(), null));
        try {
            return targets().execute(post, response -> {
                String body = "";
                if (response.getEntity() != null) {
                    try (InputStream in = response.getEntity().getContent()) {
                        body = new String(in.readNBytes(MAX_ANSWER_BYTES), StandardCharsets.UTF_8);
                    }
                }
                return new TargetAnswer(response.getCode(), body, value(response.getFirstHeader("Retry-After")),
                        value(response.getFirstHeader("Location")));
            });
        } catch (TargetGuard.RefusedAddress e) {
            throw new Refused(e.getMessage());
        }
    }

    private static String value(Header h) {
        return h == null ? null : h.getValue();
    }

    /**
     * {@link #sendToTarget} read as a push outcome: a refused URL fails the notification, a
     * transport error is retried.
     */
    PushOutcome deliverToTarget(URI uri, Function<URI, TargetRequest> request) {
        try {
            TargetAnswer r = sendToTarget(uri, request);
            return outcome(r.status(), r.body(), retryAfter(r.retryAfter()));
        } catch (Refused e) {
            return new PushOutcome.Failed(e.getMessage());
        } catch (IOException e) {
            return PushOutcome.retry(null, e.toString());
        }
    }

    /** The {@code Retry-After} of an answer (seconds or an HTTP date), or null. */
    static Duration retryAfter(HttpResponse<?> r) {
        return retryAfter(r.headers().firstValue("Retry-After").orElse(null));
    }

    static Duration retryAfter(String v) {
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
        return outcome(r.statusCode(), r.body(), retryAfter(r));
    }

    static PushOutcome outcome(int s, String body, Duration retryAfter) {
        if (s >= 200 && s < 300) {
            return PushOutcome.DELIVERED;
        }
        if (s == 404 || s == 410) {
            return new PushOutcome.Gone("HTTP " + s);
        }
        if (s == 429 || s >= 500) {
            return PushOutcome.retry(retryAfter, "HTTP " + s);
        }
        return new PushOutcome.Failed("HTTP " + s + " " + abbreviate(body));
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (targets != null) {
            targets.close(CloseMode.IMMEDIATE);
        }
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
