package dev.parley.server.abuse;

import dev.parley.core.account.RegistrationMode;
import dev.parley.server.AdminToken;
import dev.parley.server.ServerConfig;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Registration is limited per client address, and can be closed or made invite-only. */
class RegistrationLimitsTest {
    @TempDir
    Path dir;

    private static ServerConfig accounts(ServerConfig c, RegistrationMode mode, int perAddress) {
        return c.withAccounts(new ServerConfig.Accounts(mode, perAddress, Duration.ofHours(1), 1_000, 1_000,
                Duration.ofSeconds(1), 1_000, 0, 64, List.of("127.0.0.1")));
    }

    private String adminToken() throws Exception {
        return Files.readString(dir.resolve(AdminToken.FILE)).strip();
    }

    @Test
    void anAddressMayRegisterItsAllowanceAndThenWaits() throws Exception {
        try (TestNode node = TestNode.start(dir, c -> accounts(c, RegistrationMode.OPEN, 3))) {
            for (int i = 0; i < 3; i++) {
                assertThat(node.rest().register("user_" + i, "password-" + i + "-long").status()).isEqualTo(201);
            }

            Rest.Response fourth = node.rest().register("user_3", "password-3-long");

            LoginThrottleTest.assertRateLimited(fourth);
            assertThat(node.rest().login("user_3", "password-3-long", null).errorCode())
                    .as("no account was made").isEqualTo("invalid_credentials");
            Rest.Response elsewhere = node.rest().sendWithHeader("POST", "/v1/accounts", "X-Forwarded-For", "203.0.113.9",
                    new JsonObject().put("username", "user_3").put("password", "password-3-long").encode());
            assertThat(elsewhere.status()).as("another address behind the trusted proxy: %s", elsewhere).isEqualTo(201);
        }
    }

    @Test
    void closedRegistrationLeavesAccountsToTheAdministrator() throws Exception {
        try (TestNode node = TestNode.start(dir, c -> accounts(c, RegistrationMode.CLOSED, 100))) {
            Rest.Response r = node.rest().register("frank", "frank-secret-1");
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.errorCode()).isEqualTo("registration_closed");

            assertThat(node.adminRest().post("/admin/v1/users", adminToken(), new JsonObject().put("username", "frank")
                    .put("password", "frank-secret-1")).status()).isEqualTo(201);
            assertThat(node.rest().login("frank", "frank-secret-1", null).status()).isEqualTo(201);
        }
    }

    @Test
    void inviteOnlyRegistrationTakesACodeForItsNumberOfUses() throws Exception {
        try (TestNode node = TestNode.start(dir, c -> accounts(c, RegistrationMode.INVITE, 100))) {
            Rest.Response without = node.rest().register("gina", "gina-secret-1");
            assertThat(without.status()).isEqualTo(403);
            assertThat(without.errorCode()).isEqualTo("invite_required");
            assertThat(node.rest().register("gina", "gina-secret-1", "made-up-code").errorCode())
                    .isEqualTo("invite_required");

            Rest.Response invite = node.adminRest().post("/admin/v1/invites", adminToken(),
                    new JsonObject().put("uses", 2).put("validDays", 1));
            assertThat(invite.status()).as("%s", invite).isEqualTo(201);
            String code = invite.json().getString("code");
            assertThat(invite.json().getLong("expiresAt")).isGreaterThan(System.currentTimeMillis());

            assertThat(node.rest().register("gina", "gina-secret-1", code).status()).isEqualTo(201);
            assertThat(node.rest().register("gina", "gina-secret-2", code).errorCode())
                    .as("a taken name gives its use back").isEqualTo("username_taken");
            assertThat(node.rest().register("hugo", "hugo-secret-1", code).status()).isEqualTo(201);
            assertThat(node.rest().register("ivan", "ivan-secret-1", code).errorCode())
                    .as("both uses taken").isEqualTo("invite_required");
        }
    }
}
