package dev.parley.server.abuse;

import dev.parley.core.account.RegistrationMode;
import dev.parley.server.ServerConfig;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failed logins are limited per account and per client address: past either allowance a login is
 * refused with 429 {@code rate_limited} and a {@code Retry-After}, even with the right password;
 * successful logins do not count.
 */
class LoginThrottleTest {
    @TempDir
    Path dir;

    /** 3 failures per account and 5 per address an hour; registrations unlimited. */
    private static ServerConfig limits(ServerConfig c, List<String> trustedProxies) {
        return c.withAccounts(new ServerConfig.Accounts(RegistrationMode.OPEN, 1_000, Duration.ofSeconds(1), 3, 5,
                Duration.ofHours(1), 1_000, 0, 64, trustedProxies));
    }

    @Test
    void anAccountIsLockedAfterItsFailedLoginsEvenForTheRightPassword() throws Exception {
        try (TestNode node = TestNode.start(dir, c -> limits(c, List.of()))) {
            TestUser alice = node.newUser("alice");
            Rest rest = node.rest();
            for (int i = 0; i < 3; i++) {
                assertThat(rest.login(alice.username(), "wrong-password", null).errorCode()).isEqualTo("invalid_credentials");
            }

            Rest.Response locked = rest.login(alice.username(), alice.password(), null);

            assertRateLimited(locked);
        }
    }

    @Test
    void anAddressIsLimitedAcrossAccountsAndUnknownNamesCountAlike() throws Exception {
        try (TestNode node = TestNode.start(dir, c -> limits(c, List.of()))) {
            TestUser carol = node.newUser("carol");
            Rest rest = node.rest();
            for (int i = 0; i < 5; i++) {
                assertThat(rest.login("nobody_" + i, "wrong-password", null).errorCode())
                        .as("failure %d, each for another name", i).isEqualTo("invalid_credentials");
            }

            assertRateLimited(rest.login("nobody_9", "wrong-password", null));
            assertRateLimited(rest.login(carol.username(), carol.password(), null));
        }
    }

    @Test
    void successfulLoginsDoNotCount() throws Exception {
        try (TestNode node = TestNode.start(dir, c -> limits(c, List.of()))) {
            TestUser dave = node.newUser("dave");
            for (int i = 0; i < 12; i++) {
                assertThat(node.rest().login(dave.username(), dave.password(), "d" + i).status()).isEqualTo(201);
            }
            assertThat(node.rest().login(dave.username(), "wrong-password", null).errorCode())
                    .isEqualTo("invalid_credentials");
        }
    }

    @Test
    void behindATrustedProxyEachForwardedAddressHasItsOwnAllowance() throws Exception {
        try (TestNode node = TestNode.start(dir, c -> limits(c, List.of("127.0.0.1")))) {
            TestUser erin = node.newUser("erin");
            for (int i = 0; i < 5; i++) {
                assertThat(loginFrom(node, "203.0.113.7", "someone_" + i, "wrong-password").errorCode())
                        .isEqualTo("invalid_credentials");
            }
            assertRateLimited(loginFrom(node, "203.0.113.7", erin.username(), erin.password()));

            assertThat(loginFrom(node, "198.51.100.2", erin.username(), erin.password()).status())
                    .as("another client behind the same proxy").isEqualTo(201);
            // A client cannot pick its own address: only the right-most hop not a trusted proxy counts.
            assertRateLimited(loginFrom(node, "198.51.100.2, 203.0.113.7", "someone_9", "wrong-password"));
        }
    }

    private static Rest.Response loginFrom(TestNode node, String forwardedFor, String username, String password) {
        return node.rest().sendWithHeader("POST", "/v1/sessions", "X-Forwarded-For", forwardedFor,
                new JsonObject().put("username", username).put("password", password).encode());
    }

    static void assertRateLimited(Rest.Response r) {
        assertThat(r.status()).as("%s", r).isEqualTo(429);
        assertThat(r.errorCode()).isEqualTo("rate_limited");
        assertThat(r.header("Retry-After")).as("Retry-After").isNotNull();
        assertThat(Long.parseLong(r.header("Retry-After"))).isPositive();
        assertThat(r.json().getJsonObject("error").getLong("retryAfterMs")).isPositive();
    }
}
