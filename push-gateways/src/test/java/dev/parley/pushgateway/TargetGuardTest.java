package dev.parley.pushgateway;

import dev.parley.core.ChatException;
import dev.parley.core.push.PushTarget;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Registrations may not point the node into its own network. Only literal addresses and
 * localhost are used, so nothing here resolves a name over the network or connects anywhere.
 */
class TargetGuardTest {
    private final TargetGuard strict = new TargetGuard(false, Set.of("webpush", "webhook"));
    private final TargetGuard loopbackAllowed = new TargetGuard(true, Set.of("webpush", "webhook"));

    @ParameterizedTest
    @ValueSource(strings = {"https://127.0.0.1/x", "https://localhost:8443/x", "https://[::1]/x", "https://10.1.2.3/",
            "https://172.16.0.1/", "https://192.168.1.20/", "https://169.254.169.254/latest/meta-data",
            "https://[fe80::1]/", "https://[fd12:3456::1]/", "https://0.0.0.0/", "https://100.64.0.1/",
            "https://[::ffff:10.0.0.1]/", "https://[64:ff9b::a00:1]/", "https://224.0.0.1/", "https://255.255.255.255/"})
    void privateLoopbackAndLinkLocalAddressesAreRefused(String url) {
        assertThatThrownBy(() -> strict.check(new PushTarget.Webhook(url)))
                .isInstanceOf(ChatException.class)
                .hasMessageContaining("loopback, private or link-local");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://0177.0.0.1/x", "https://2130706433/x", "https://0x7f000001/x",
            "https://017700000001/x", "https://127.000.000.001/", "https://012.1.2.3/", "https://0xa9.0xfe.0xa9.0xfe/",
            "https://[::ffff:127.0.0.1]/", "https://[::ffff:7f00:1]/", "https://[::127.0.0.1]/",
            "https://[2002:7f00:1::1]/", "https://[2002:a9fe:a9fe::]/", "https://0x7f.1/", "https://127.1/",
            "https://08.1.2.3/"})
    void otherSpellingsOfPrivateAddressesAreRefusedToo(String url) {
        assertThatThrownBy(() -> strict.check(new PushTarget.Webhook(url))).isInstanceOf(ChatException.class);
    }

    @Test
    void aNameThatRebindsToAPrivateAddressAfterTheCheckIsNotConnectedTo() throws Exception {
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        TargetGuard guard = new TargetGuard(false, Set.of("webhook"), host -> new java.net.InetAddress[]{
                java.net.InetAddress.getByName(lookups.getAndIncrement() == 0 ? "93.184.215.14" : "127.0.0.1")});

        assertThatCode(() -> guard.check(new PushTarget.Webhook("https://rebind.example/hook"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> guard.resolver().resolve("rebind.example"))
                .isInstanceOf(TargetGuard.RefusedAddress.class).hasMessageContaining("127.0.0.1");
    }

    @Test
    void theHttpClientConnectsOnlyToTheAddressesTheGuardPassed() throws Exception {
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                while (!listener.isClosed()) {
                    try (java.net.Socket s = listener.accept()) {
                        accepted.incrementAndGet();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            // The check sees a public address; the connection's own look-up would see loopback.
            TargetGuard guard = new TargetGuard(false, Set.of("webhook"), host -> new java.net.InetAddress[]{
                    java.net.InetAddress.getByName(lookups.getAndIncrement() == 0 ? "93.184.215.14" : "127.0.0.1")});
            PushHttp http = new PushHttp(null, java.time.Duration.ofSeconds(2), guard);

            dev.parley.core.push.PushOutcome outcome = http.deliverToTarget(
                    java.net.URI.create("https://rebind.example:" + listener.getLocalPort() + "/hook"),
                    uri -> new PushHttp.TargetRequest(java.util.Map.of("Content-Type", "application/json"), new byte[]{'{', '}'}));
            http.close();
            listener.close();
            acceptor.join(2000);

            assertThat(outcome).isInstanceOfSatisfying(dev.parley.core.push.PushOutcome.Failed.class,
                    f -> assertThat(f.reason()).contains("127.0.0.1"));
            assertThat(accepted.get()).as("connections that reached the private address").isZero();
            assertThat(lookups.get()).as("the connection resolved the name itself, through the guard").isEqualTo(2);
        }
    }

    @Test
    void loopbackCanBeAllowedForTestsButNothingElsePrivate() {
        assertThatCode(() -> loopbackAllowed.check(new PushTarget.Webhook("https://127.0.0.1:9/x"))).doesNotThrowAnyException();
        assertThatCode(() -> loopbackAllowed.check(new PushTarget.Webhook("https://[::1]:9/x"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> loopbackAllowed.check(new PushTarget.Webhook("https://10.0.0.1/x")))
                .hasMessageContaining("10.0.0.1");
        assertThatThrownBy(() -> loopbackAllowed.check(new PushTarget.Webhook("https://169.254.169.254/x")))
                .isInstanceOf(ChatException.class);
    }

    @Test
    void publicAddressesPass() {
        assertThatCode(() -> strict.check(new PushTarget.Webhook("https://93.184.215.14/hook"))).doesNotThrowAnyException();
        assertThatCode(() -> strict.check(new PushTarget.Webhook("https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/")))
                .doesNotThrowAnyException();
    }

    @Test
    void onlyHttpsWithAHostAndNoUserInfo() {
        assertThatThrownBy(() -> new PushTarget.Webhook("http://93.184.215.14/")).hasMessageContaining("https");
        assertThatThrownBy(() -> strict.check(new PushTarget.Webhook("https://user:pw@93.184.215.14/")))
                .hasMessageContaining("no user info");
        assertThatThrownBy(() -> strict.check(new PushTarget.Webhook("https:///nohost"))).isInstanceOf(ChatException.class);
    }

    @Test
    void kindsWithoutAProviderAreRefused() {
        assertThatThrownBy(() -> strict.check(new PushTarget.Fcm("abc:def"))).hasMessageContaining("'fcm' is not configured");
        assertThat(new TargetGuard(false, Set.of("fcm")).forbidden(java.net.InetAddress.getLoopbackAddress())).isTrue();
    }
}
