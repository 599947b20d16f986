package dev.parley.server;

import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Groups;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Text is stored exactly as confirmed. A lone UTF-16 surrogate (valid as a JSON escape, not as
 * Unicode text) cannot be stored as UTF-8: it used to be confirmed, stored as {@code ?}, and its
 * retry then refused as {@code client_id_conflict}. Now such text is refused with
 * {@code invalid_field} wherever a client gives text, and real non-BMP text survives unchanged.
 */
class ExactTextTest {
    @TempDir
    Path dataDir;
    TestNode node;
    TestUser alice;
    TestUser bob;
    long c;

    @BeforeEach
    void setUp() throws Exception {
        node = TestNode.start(dataDir);
        alice = node.newUser("alice");
        bob = node.newUser("bob");
        c = alice.directWith(bob);
    }

    @AfterEach
    void tearDown() {
        node.close();
    }

    /** A send frame written by hand, so the body can hold a JSON escape no encoder would produce. */
    private static String sendFrame(String rid, long conversationId, String clientId, String jsonBody) {
        return "{\"type\":\"send\",\"rid\":\"" + rid + "\",\"clientId\":\"" + clientId + "\",\"conversationId\":"
                + conversationId + ",\"body\":\"" + jsonBody + "\"}";
    }

    @Test
    void aBodyWithALoneSurrogateIsRefusedAndItsRetryToo() {
        TestSocket a = alice.login("laptop").connect();

        a.sendText(sendFrame("r1", c, "lone-1", "half a pair: \\ud83d!"));
        ServerFrame.Error first = a.awaitError("r1");
        a.sendText(sendFrame("r2", c, "lone-1", "half a pair: \\ud83d!"));
        ServerFrame.Error retry = a.awaitError("r2");
        a.sendText(sendFrame("r3", c, "lone-2", "\\udc00 the other half"));
        ServerFrame.Error low = a.awaitError("r3");

        assertThat(first.code()).isEqualTo("invalid_field");
        assertThat(first.clientId()).isEqualTo("lone-1");
        assertThat(retry.code()).as("a retry gets the same answer, not client_id_conflict").isEqualTo("invalid_field");
        assertThat(low.code()).isEqualTo("invalid_field");
        assertThat(node.rest().history(alice.restDevice().token(), c, "").array("messages")).as("nothing stored").isEmpty();
    }

    @Test
    void textBeyondTheBasicPlaneSurvivesExactlyAndItsRetryGetsTheOriginal() {
        TestSocket a = alice.login("laptop").connect();
        TestSocket b = bob.login("phone").connect();
        String body = "climbing \uD83E\uDDD7 at 6? \u00e9\u4e2d \uD834\uDD1E";

        a.sendText(sendFrame("r1", c, "pair-1", "climbing \\ud83e\\uddd7 at 6? \\u00e9\\u4e2d \\ud834\\udd1e"));
        ServerFrame.Sent sent = a.awaitFrame(ServerFrame.Sent.class, s -> "r1".equals(s.rid()));
        ServerFrame.Sent again = a.sendMessage(c, "pair-1", body);

        assertThat(again.seq()).isEqualTo(sent.seq());
        assertThat(again.ts()).isEqualTo(sent.ts());
        assertThat(b.awaitMessages(c, 1).getFirst().body()).isEqualTo(body);
        assertThat(node.rest().history(bob.restDevice().token(), c, "").array("messages").getJsonObject(0)
                .getString("body")).isEqualTo(body);
    }

    @Test
    void otherTextFieldsRefuseALoneSurrogateToo() {
        String token = alice.restDevice().token();
        Rest rest = node.rest();

        Rest.Response group = rest.send("POST", "/v1/conversations/groups", token,
                "{\"title\":\"climb \\ud800\",\"usernames\":[\"" + bob.username() + "\"]}", "application/json");
        Rest.Response login = rest.send("POST", "/v1/sessions", null, "{\"username\":\"" + alice.username()
                + "\",\"password\":\"" + alice.password() + "\",\"deviceName\":\"phone \\udfff\"}", "application/json");
        Rest.Response register = rest.send("POST", "/v1/accounts", null,
                "{\"username\":\"carol\",\"password\":\"secret \\ud800 1234\"}", "application/json");
        long groupId = new Groups(node).createOk(alice, "climbing", bob);
        Rest.Response rename = rest.send("PATCH", "/v1/conversations/" + groupId, token,
                "{\"title\":\"\\udbff\"}", "application/json");

        assertThat(group.errorCode()).as("group title: %s", group).isEqualTo("invalid_field");
        assertThat(login.errorCode()).as("device name: %s", login).isEqualTo("invalid_field");
        assertThat(register.errorCode()).as("password: %s", register).isEqualTo("invalid_field");
        assertThat(rename.errorCode()).as("new title: %s", rename).isEqualTo("invalid_field");
    }
}
