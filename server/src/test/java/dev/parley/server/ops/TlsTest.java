package dev.parley.server.ops;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.ServerConfig;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.Rest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The node serves HTTPS and WSS itself from a PEM certificate and key. */
class TlsTest {
    @TempDir
    Path dir;

    @Test
    void httpsAndWssWithAPemCertificate() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed; TLS test skipped");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process p = new ProcessBuilder("/usr/bin/openssl", "req", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(), "-out", cert.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();

        try (TestNode node = TestNode.start(dir.resolve("data"), c -> c.withNetwork(
                new ServerConfig.Network("127.0.0.1", 0, cert, key, c.network().transport())))) {
            HttpClient https = HttpClient.newBuilder().sslContext(trusting(cert)).build();
            HttpResponse<String> health = https.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + node.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);

            // Plain HTTP on the TLS port gets no answer it could use.
            HttpClient plain = HttpClient.newHttpClient();
            boolean plainWorked;
            try {
                plainWorked = plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/health"))
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (java.io.IOException refused) {
                plainWorked = false;
            }
            assertThat(plainWorked).isFalse();

            Rest rest = new Rest(URI.create("https://127.0.0.1:" + node.port() + "/"), https);
            assertThat(rest.register("alice_tls", "alice-secret-pw").status()).isEqualTo(201);
            Rest.Response login = rest.login("alice_tls", "alice-secret-pw", "secure");
            assertThat(login.status()).as("login over https: %s", login).isEqualTo(201);
            CompletableFuture<String> ready = new CompletableFuture<>();
            WebSocket ws = https.newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + node.port() + "/v1/ws"),
                    new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            ready.complete(data.toString());
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            ws.sendText(FrameCodec.encodeClient(new ClientFrame.Auth(null, login.json().getString("token"), null)), true);
            assertThat(FrameCodec.decodeServer(ready.get(10, TimeUnit.SECONDS))).isInstanceOf(ServerFrame.Ready.class);
        }
    }

    private static SSLContext trusting(Path cert) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            ks.setCertificateEntry("node", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
