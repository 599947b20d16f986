package dev.parley.server.people;

import dev.parley.core.account.AccountDeletion;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.parley.server.people.PeopleCalls.send;
import static org.assertj.core.api.Assertions.assertThat;

/** Reports keep their evidence and reach the operators, who can disable the account. */
class ReportTest {
    @TempDir
    Path dir;

    @Test
    void aReportKeepsTheReportedMessagesAfterTheirTextIsErasedAndOperatorsCanAct() throws Exception {
        try (TestNode node = TestNode.start(dir, c -> c.withPeople(c.people()
                .withDeletedAccountMessages(AccountDeletion.Messages.ERASE)))) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            TestUser eve = node.newUser("eve");
            long c = bob.directWith(alice);
            TestSocket b = bob.login("phone").connect();
            long nasty = b.sendMessage(c, "b1", "something nasty").seq();
            b.sendMessage(c, "b2", "and worse");

            Rest.Response filed = send(node, alice, "POST", "/v1/reports", new JsonObject().put("conversationId", c)
                    .put("seqs", new JsonArray().add(nasty)).put("reason", "harassment").put("note", "please help"));
            assertThat(filed.status()).as("%s", filed).isEqualTo(201);
            assertThat(filed.json().getLong("userId")).isEqualTo(bob.userId());
            Rest.Response whole = send(node, alice, "POST", "/v1/reports", new JsonObject().put("userId", bob.userId())
                    .put("conversationId", c).put("reason", "spam"));
            assertThat(whole.json().getInteger("entries")).isEqualTo(2);
            assertThat(send(node, eve, "POST", "/v1/reports", new JsonObject().put("conversationId", c)
                    .put("seqs", new JsonArray().add(nasty)).put("reason", "spam")).errorCode()).isEqualTo("not_found");
            assertThat(send(node, alice, "POST", "/v1/reports", new JsonObject().put("userId", bob.userId())
                    .put("reason", "because")).errorCode()).isEqualTo("invalid_field");

            String admin = AccountControlTest.adminToken(node);
            assertThat(node.adminRest().send("DELETE", "/admin/v1/users/" + bob.username(), admin, null, null).status())
                    .isEqualTo(204);
            assertThat(alice.restDevice().history(c, "").array("messages").getJsonObject(0).getValue("body")).isNull();

            JsonArray reports = node.adminRest().get("/admin/v1/reports", admin).array("reports");
            assertThat(reports).hasSize(2);
            JsonObject first = reports.stream().map(o -> (JsonObject) o).filter(o -> "harassment".equals(o.getString("reason")))
                    .findFirst().orElseThrow();
            assertThat(first.getJsonObject("reporter").getLong("userId")).isEqualTo(alice.userId());
            assertThat(first.getJsonObject("user").getBoolean("deleted")).isTrue();
            assertThat(first.getString("note")).isEqualTo("please help");
            assertThat(first.getJsonArray("entries").getJsonObject(0).getString("body")).isEqualTo("something nasty");
            assertThat(node.adminRest().send("POST", "/admin/v1/reports/" + first.getLong("reportId") + "/resolve", admin,
                    null, null).status()).isEqualTo(204);
            assertThat(node.adminRest().get("/admin/v1/reports", admin).array("reports")).hasSize(1);
            assertThat(node.adminRest().get("/admin/v1/reports?all=true", admin).array("reports")).hasSize(2);
            assertThat(node.adminRest().get("/admin/v1/reports", alice.restDevice().token()).status()).isEqualTo(401);
        }
    }

    @Test
    void reportsPerDayAreLimited() throws Exception {
        try (TestNode node = TestNode.start(dir, c -> c.withPeople(new dev.parley.server.ServerConfig.People(
                c.people().messageRequests(), c.people().deletedAccountMessages(), c.people().maxAvatarBytes(),
                c.people().avatarPixels(), 2)))) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            for (int i = 0; i < 2; i++) {
                assertThat(send(node, alice, "POST", "/v1/reports", new JsonObject().put("userId", bob.userId())
                        .put("reason", "spam")).status()).isEqualTo(201);
            }
            assertThat(send(node, alice, "POST", "/v1/reports", new JsonObject().put("userId", bob.userId())
                    .put("reason", "spam")).errorCode()).isEqualTo("rate_limited");
        }
    }
}
