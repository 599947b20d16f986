package dev.parley.server.people;

import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.zip.CRC32;

import static dev.parley.server.people.PeopleCalls.profile;
import static dev.parley.server.people.PeopleCalls.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Profiles over real sockets: display names and their rules, status lines, avatars (sniffed,
 * bounded, re-encoded, served with cache headers), and changes reaching the people who share a
 * conversation, live and on resume.
 */
class ProfileTest {
    @TempDir
    static Path dir;
    @AutoClose
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dir);
    }

    @Test
    void aNewDisplayNameReachesContactsLiveButNotStrangers() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser carol = node.newUser("carol");
        alice.directWith(bob);
        TestSocket bobSocket = bob.login("phone").connect();
        TestSocket carolSocket = carol.login("phone").connect();
        TestSocket aliceOther = alice.login("tablet").connect();

        Rest.Response r = profile(node, alice, "  Alice   Liddell ", "down the rabbit hole");

        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json().getString("displayName")).isEqualTo("Alice Liddell");
        ServerFrame.Profile seen = bobSocket.awaitFrame(ServerFrame.Profile.class, p -> p.userId() == alice.userId());
        assertThat(seen).isEqualTo(new ServerFrame.Profile(alice.userId(), alice.username(), "Alice Liddell",
                "down the rabbit hole", null, false));
        aliceOther.awaitFrame(ServerFrame.Profile.class, p -> p.userId() == alice.userId());
        carolSocket.expectNoFrame(ServerFrame.Profile.class, p -> true, Duration.ofMillis(300));
    }

    @Test
    void aDeviceThatWasAwaySeesTheNewNameInItsConversationListAndMembers() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        assertThat(profile(node, alice, "Ally", null).status()).isEqualTo(200);

        Rest.Response list = bob.restDevice().get("/v1/conversations");
        JsonObject peer = list.array("conversations").getJsonObject(0).getJsonObject("peer");
        assertThat(peer.getString("displayName")).isEqualTo("Ally");
        assertThat(peer.getString("username")).isEqualTo(alice.username());
        JsonObject conv = bob.restDevice().get("/v1/conversations/" + c).json();
        assertThat(conv.getJsonObject("peer").getString("displayName")).isEqualTo("Ally");
        assertThat(conv.getJsonArray("members").stream().map(o -> ((JsonObject) o).getString("displayName")))
                .contains("Ally", bob.username());
        Rest.Response many = bob.restDevice().get("/v1/users?ids=" + alice.userId() + "," + bob.userId());
        assertThat(many.array("users").getJsonObject(0).getString("displayName")).isEqualTo("Ally");
        assertThat(many.array("users").getJsonObject(1).getString("displayName")).isEqualTo(bob.username());
    }

    @Test
    void displayNamesAreNormalizedAndTricksAreRefused() {
        TestUser alice = node.newUser("alice");
        // e + COMBINING ACUTE ACCENT is stored as the one precomposed é (NFC).
        assertThat(profile(node, alice, "Ame\u0301lie", null).json().getString("displayName")).isEqualTo("Am\u00e9lie");
        assertThat(profile(node, alice, "Иван Smith", null).status()).isEqualTo(200);
        assertThat(profile(node, alice, "\uD83D\uDC69\u200D\uD83D\uDCBB Ada", null).status()).isEqualTo(200);
        for (String trick : new String[]{
                "\u0410lice",                 // Cyrillic A in a Latin word
                "admin\u202Egnp.exe",         // right-to-left override
                "bo\u200Bb",                  // zero-width space
                "\u3164",                     // Hangul filler: looks empty
                "tab\there",                  // control character
                "a".repeat(65),               // too long
                "...",                        // nothing to read
                "z\u0301\u0301\u0301\u0301\u0301\u0301"}) {  // mark pile-up
            Rest.Response r = profile(node, alice, trick, null);
            assertThat(r.errorCode()).as("%s -> %s", trick.codePoints().mapToObj(Integer::toHexString).toList(), r)
                    .isEqualTo("invalid_field");
        }
        assertThat(profile(node, alice, "", "").json().getString("displayName")).isEqualTo(alice.username());
    }

    @Test
    void anAvatarIsSniffedCroppedShrunkStrippedAndServedUnderItsVersion() throws Exception {
        TestUser alice = node.newUser("alice");
        byte[] jpeg = withExifComment(image(900, 600, "jpeg"), "GPS 48.8584 2.2945 SECRET");

        Rest.Response r = upload(alice, jpeg);

        assertThat(r.status()).as("%s", r).isEqualTo(200);
        String version = r.json().getString("avatar");
        assertThat(version).isNotBlank();
        HttpResponse<byte[]> got = fetch("/v1/users/" + alice.userId() + "/avatar/" + version);
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.headers().firstValue("Content-Type")).contains("image/jpeg");
        assertThat(got.headers().firstValue("Cache-Control")).contains("public, max-age=31536000, immutable");
        assertThat(got.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        BufferedImage served = ImageIO.read(new ByteArrayInputStream(got.body()));
        assertThat(served.getWidth()).isEqualTo(256);
        assertThat(served.getHeight()).isEqualTo(256);
        assertThat(new String(got.body(), StandardCharsets.ISO_8859_1)).doesNotContain("SECRET").doesNotContain("Exif");

        Rest.Response png = upload(alice, image(300, 300, "png"));
        String second = png.json().getString("avatar");
        assertThat(second).isNotEqualTo(version);
        assertThat(fetch("/v1/users/" + alice.userId() + "/avatar/" + version).statusCode()).isEqualTo(404);
        assertThat(fetch("/v1/users/" + alice.userId() + "/avatar/" + second).statusCode()).isEqualTo(200);

        Rest.Response removed = send(node, alice, "DELETE", "/v1/me/avatar", null);
        assertThat(removed.json().getValue("avatar")).isNull();
        assertThat(fetch("/v1/users/" + alice.userId() + "/avatar/" + second).statusCode()).isEqualTo(404);
    }

    @Test
    void aWebPAvatarIsAccepted() {
        TestUser alice = node.newUser("alice");
        // A 1 x 1 lossy WebP.
        byte[] webp = Base64.getDecoder().decode("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA");
        Rest.Response r = upload(alice, webp);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json().getString("avatar")).isNotBlank();
    }

    @Test
    void uploadsThatAreNotImagesOrTooBigAreRefusedBeforeDecoding() throws Exception {
        TestUser alice = node.newUser("alice");
        assertThat(upload(alice, "GIF89a not really".getBytes(StandardCharsets.US_ASCII)).errorCode())
                .isEqualTo("unsupported_media_type");
        assertThat(upload(alice, "<svg xmlns='http://www.w3.org/2000/svg'/>".getBytes(StandardCharsets.US_ASCII))
                .errorCode()).isEqualTo("unsupported_media_type");
        // A valid PNG header declaring 60000 x 60000 pixels in a few dozen bytes: never decoded.
        Rest.Response bomb = upload(alice, pngHeader(60_000, 60_000));
        assertThat(bomb.status()).isEqualTo(413);
        assertThat(bomb.errorCode()).isEqualTo("too_large");
        assertThat(bomb.errorMessage()).contains("60000 x 60000");
        Rest.Response huge = upload(alice, new byte[6 * 1024 * 1024]);
        assertThat(huge.status()).isEqualTo(413);
        Rest.Response truncated = upload(alice, java.util.Arrays.copyOf(image(200, 200, "png"), 60));
        assertThat(truncated.errorCode()).isEqualTo("unsupported_media_type");
        Rest.Response anonymous = node.rest().send("PUT", "/v1/me/avatar", null, "x", "image/png");
        assertThat(anonymous.errorCode()).isEqualTo("unauthenticated");
    }

    private Rest.Response upload(TestUser user, byte[] bytes) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            node.httpUri().resolve("/v1/me/avatar"))
                    .header("Authorization", "Bearer " + user.restDevice().token())
                    .header("Content-Type", "image/png")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
            return new Rest.Response(r.statusCode(), r.body(), r.body().startsWith("{") ? new JsonObject(r.body()) : null,
                    r.headers());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<byte[]> fetch(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.httpUri() + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static byte[] image(int w, int h, String format) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(30, 120, 200));
        g.fillRect(0, 0, w, h);
        g.setColor(Color.ORANGE);
        g.fillOval(w / 4, h / 4, w / 2, h / 2);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, format, out);
        return out.toByteArray();
    }

    /** The JPEG with an APP1 "Exif" segment holding {@code text} right after its start marker. */
    private static byte[] withExifComment(byte[] jpeg, String text) {
        byte[] payload = ("Exif\0\0" + text).getBytes(StandardCharsets.ISO_8859_1);
        int len = payload.length + 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        out.write(len >> 8);
        out.write(len & 0xff);
        out.write(payload, 0, payload.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** A PNG signature and IHDR chunk (with a correct CRC) declaring the given size, and nothing else. */
    private static byte[] pngHeader(int w, int h) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 25);
        b.put(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a});
        b.putInt(13);
        int crcFrom = b.position();
        b.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(w).putInt(h).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(b.array(), crcFrom, 17);
        b.putInt((int) crc.getValue());
        return b.array();
    }
}
