package dev.parley.pushgateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.push.PushNotification;
import dev.parley.core.push.PushTarget;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON each provider is sent, byte for byte where the field order is part of what a reader sees
 * (the documented payload, the signed webhook body), and text that needs escaping arriving intact.
 */
class ProviderPayloadsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PushTarget.Fcm FCM = new PushTarget.Fcm("fcm-token:1");
    /** Quotes, a backslash, line breaks, a tab, a control character, the JavaScript line separators, an emoji. */
    private static final String AWKWARD = "say \"hi\" \\ to\nall\r\tof\u0001 us\u2028\u2029 \uD83E\uDDD7";

    private static PushNotification message(String sender, String preview) {
        return new PushNotification(new UserId(3), new DeviceId(4), FCM, new ConversationId(7312345681004L), 42, 3,
                sender, preview);
    }

    @Test
    void thePayloadIsTheDocumentedOne() {
        assertThat(NotificationPayload.json(message("alice", "Are we still on for climbing tomorrow?"))).isEqualTo(
                "{\"type\":\"message\",\"conversationId\":7312345681004,\"seq\":42,\"unread\":3,"
                        + "\"sender\":\"alice\",\"preview\":\"Are we still on for climbing tomorrow?\"}");
        assertThat(NotificationPayload.json(message(null, null)))
                .isEqualTo("{\"type\":\"message\",\"conversationId\":7312345681004,\"seq\":42,\"unread\":3}");
        assertThat(NotificationPayload.json(PushNotification.requestNotice(new UserId(3), new DeviceId(4), FCM,
                new ConversationId(9), 1)))
                .isEqualTo("{\"type\":\"request\",\"conversationId\":9,\"seq\":1,\"unread\":1}");
    }

    @Test
    void theWebhookBodyNamesTheUserAndDeviceFirst() {
        assertThat(WebhookGateway.body(message("alice", "hi"))).isEqualTo(
                "{\"userId\":3,\"deviceId\":4,\"type\":\"message\",\"conversationId\":7312345681004,\"seq\":42,"
                        + "\"unread\":3,\"sender\":\"alice\",\"preview\":\"hi\"}");
    }

    @Test
    void fcmCarriesTheDataAsStringsAndAVisibleNotification() throws Exception {
        JsonNode message = JSON.readTree(FcmGateway.body(message("alice", "hi"), FCM)).get("message");
        assertThat(message.get("token").textValue()).isEqualTo("fcm-token:1");
        assertThat(message.get("data")).isEqualTo(JSON.readTree("{\"type\":\"message\",\"conversationId\":"
                + "\"7312345681004\",\"seq\":\"42\",\"unread\":\"3\",\"sender\":\"alice\",\"preview\":\"hi\"}"));
        assertThat(message.get("notification")).isEqualTo(JSON.readTree("{\"title\":\"alice\",\"body\":\"hi\"}"));
        assertThat(message.get("android")).isEqualTo(JSON.readTree("{\"collapse_key\":\"c7312345681004\",\"priority\":\"high\"}"));
        assertThat(message.get("apns")).isEqualTo(JSON.readTree("{\"headers\":{\"apns-collapse-id\":\"c7312345681004\"}}"));

        JsonNode minimal = JSON.readTree(FcmGateway.body(message(null, null), FCM)).get("message");
        assertThat(minimal.get("notification")).isEqualTo(JSON.readTree("{\"title\":\"New message\"}"));
        assertThat(minimal.get("data").has("sender")).isFalse();
    }

    @Test
    void apnsShowsAnAlertWithTheUnreadCountAsBadge() throws Exception {
        assertThat(JSON.readTree(ApnsGateway.body(message("alice", "hi")))).isEqualTo(JSON.readTree(
                "{\"aps\":{\"alert\":{\"title\":\"alice\",\"body\":\"hi\"},\"badge\":3,\"sound\":\"default\","
                        + "\"thread-id\":\"c7312345681004\"},\"conversationId\":7312345681004,\"seq\":42}"));
    }

    @Test
    void textThatNeedsEscapingArrivesAsItWasSent() throws Exception {
        PushNotification n = message(AWKWARD, AWKWARD);
        assertThat(JSON.readTree(NotificationPayload.json(n)).get("preview").textValue()).isEqualTo(AWKWARD);
        assertThat(JSON.readTree(WebhookGateway.body(n)).get("sender").textValue()).isEqualTo(AWKWARD);
        JsonNode fcm = JSON.readTree(FcmGateway.body(n, FCM)).get("message");
        assertThat(fcm.get("data").get("preview").textValue()).isEqualTo(AWKWARD);
        assertThat(fcm.get("notification").get("title").textValue()).isEqualTo(AWKWARD);
        assertThat(JSON.readTree(ApnsGateway.body(n)).get("aps").get("alert").get("body").textValue()).isEqualTo(AWKWARD);
    }

    @Test
    void providerAnswersThatAreNotJsonReadAsEmpty() {
        assertThat(FcmGateway.errorCode("<html>502 Bad Gateway</html>")).isEmpty();
        assertThat(FcmGateway.errorCode("")).isEmpty();
        assertThat(FcmGateway.errorCode("{\"error\":{\"details\":[{\"@type\":\"x\"},{\"errorCode\":\"UNREGISTERED\"}]}}"))
                .isEqualTo("UNREGISTERED");
        assertThat(Json.string(Json.read("[1,2]"), "reason")).isNull();
        assertThat(Json.string(Json.read("{\"reason\":7}"), "reason")).isNull();
    }
}
