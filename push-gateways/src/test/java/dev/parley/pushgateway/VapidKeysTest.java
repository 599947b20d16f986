package dev.parley.pushgateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The node's VAPID keys (RFC 8292): kept across restarts, and the header a push service verifies. */
class VapidKeysTest {
    @TempDir
    Path dir;

    @Test
    void keysAreMadeOnceKeptPrivateAndReused() throws Exception {
        Path file = dir.resolve("data/vapid.json");
        VapidKeys first = VapidKeys.loadOrCreate(file, "mailto:ops@example.org");
        VapidKeys again = VapidKeys.loadOrCreate(file, "mailto:ops@example.org");
        assertThat(again.publicKeyBase64Url()).isEqualTo(first.publicKeyBase64Url());
        assertThat(P256.unb64(first.publicKeyBase64Url())).hasSize(65).startsWith((byte) 4);
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void nodesStartingAtOnceOnOneSharedFileAllEndWithTheSameKey() throws Exception {
        for (int round = 0; round < 20; round++) {
            Path file = dir.resolve("shared-" + round + "/vapid.json");
            int nodes = 8;
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(nodes);
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(nodes)) {
                List<java.util.concurrent.Future<String>> keys = new java.util.ArrayList<>();
                for (int i = 0; i < nodes; i++) {
                    keys.add(pool.submit(() -> {
                        start.await();
                        return VapidKeys.loadOrCreate(file, "mailto:ops@example.org").publicKeyBase64Url();
                    }));
                }
                String onDisk = VapidKeys.loadOrCreate(file, "mailto:ops@example.org").publicKeyBase64Url();
                for (var k : keys) {
                    assertThat(k.get()).as("round %d: every node uses the key on disk", round).isEqualTo(onDisk);
                }
            }
            try (var left = Files.list(file.getParent())) {
                assertThat(left.map(p -> p.getFileName().toString()).toList()).as("no temporary file left")
                        .containsExactly("vapid.json");
            }
        }
    }

    @Test
    void authorizationIsAnEs256JwtForTheEndpointsOriginThatVerifiesWithTheKeyItCarries() throws Exception {
        VapidKeys keys = VapidKeys.loadOrCreate(dir.resolve("vapid.json"), "mailto:ops@example.org");
        Instant now = Instant.ofEpochSecond(1_800_000_000L);
        String header = keys.authorization(URI.create("https://push.example.net:8443/wpush/v2/abc?x=1"), now);

        assertThat(header).startsWith("vapid t=").contains(", k=" + keys.publicKeyBase64Url());
        String jwt = header.substring("vapid t=".length(), header.indexOf(", k="));
        String[] parts = jwt.split("\\.");
        assertThat(parts).hasSize(3);
        assertThat(decode(parts[0])).contains("\"alg\":\"ES256\"");
        assertThat(decode(parts[1])).isEqualTo("{\"aud\":\"https://push.example.net:8443\",\"exp\":"
                + (now.getEpochSecond() + 12 * 3600) + ",\"sub\":\"mailto:ops@example.org\"}");
        Signature v = Signature.getInstance("SHA256withECDSAinP1363Format");
        v.initVerify(P256.publicKey(P256.unb64(keys.publicKeyBase64Url())));
        v.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(v.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
    }

    private static String decode(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }
}
