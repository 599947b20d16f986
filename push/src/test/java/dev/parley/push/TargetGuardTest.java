package dev.parley.push;

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
