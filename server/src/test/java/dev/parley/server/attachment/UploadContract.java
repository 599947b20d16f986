package dev.parley.server.attachment;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.ServerConfig;
import dev.parley.server.support.Groups;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static dev.parley.server.attachment.Uploads.bytes;
import static dev.parley.server.attachment.Uploads.content;
import static dev.parley.server.attachment.Uploads.files;
import static dev.parley.server.attachment.Uploads.upload;
import static dev.parley.server.attachment.Uploads.uploadChunked;
import static dev.parley.server.attachment.Uploads.uploadOk;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Uploads over real HTTP against a real node: the type sniffed from the content, the SHA-256, the
 * size limit, the quota and the allow-list, identical bytes stored once, and nothing left behind
 * by an upload that is refused, over the limit or cut off. Runs on each storage engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class UploadContract {
    static final int MAX = 64 * 1024;
    static final int QUOTA = 160 * 1024;

    @TempDir
    static Path dir;
    TestNode node;
    Path blobs;

    /** A node on this test's engine, with {@code customize} applied to the test configuration. */
    abstract TestNode start(Path dataDir, UnaryOperator<ServerConfig> customize) throws Exception;

    /**
     * Everything {@code n} holds of uploads' bytes: the stored blobs and the uploads being
     * received. The blob directory, here; a store kept elsewhere adds what it holds.
     */
    List<?> held(TestNode n) {
        return files(n.config().attachments().directory(n.config().dataDir()));
    }

    static ServerConfig limits(ServerConfig c) {
        return c.withAttachments(c.attachments().withLimits(MAX, QUOTA));
    }

    @BeforeAll
    void startNode() throws Exception {
        node = start(dir.resolve("node"), UploadContract::limits);
        blobs = node.config().attachments().directory(node.config().dataDir());
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void anUploadIsSniffedHashedAndFetchedBackByItsOwner() throws Exception {
        TestUser alice = node.newUser("alice");
        byte[] pdf = "%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);

        Uploads.Answer a = upload(node, alice, "../../etc/Report \u202Egnp.pdf", pdf);

        assertThat(a.status()).as("%s", a).isEqualTo(201);
        assertThat(a.json().getString("contentType")).isEqualTo("application/pdf");
        assertThat(a.json().getLong("size")).isEqualTo(pdf.length);
        assertThat(a.json().getString("sha256")).isEqualTo(sha256(pdf));
        assertThat(a.json().getString("name")).isEqualTo("Report gnp.pdf");
        Uploads.Answer fetched = content(node, alice, a.id());
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo(pdf);
        assertThat(fetched.header("Content-Type")).isEqualTo("application/pdf");
        assertThat(fetched.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(fetched.header("Content-Security-Policy")).contains("sandbox");
        assertThat(fetched.header("Content-Disposition")).startsWith("attachment;").contains("filename*=UTF-8''");
        assertThat(fetched.header("ETag")).isEqualTo("\"" + sha256(pdf) + "\"");
        assertThat(Uploads.get(node, alice, "/v1/attachments/" + a.id()).json().getString("sha256"))
                .isEqualTo(sha256(pdf));
    }

    @Test
    void theTypeComesFromTheBytesNotFromTheClient() {
        TestUser alice = node.newUser("alice");
        Uploads.Answer text = upload(node, alice, "photo.png", "just words, caf\u00e9\n".getBytes(StandardCharsets.UTF_8));
        assertThat(text.json().getString("contentType")).isEqualTo("text/plain");
        Uploads.Answer zip = upload(node, alice, "notes.txt", bytes(1000, 1));
        assertThat(zip.json().getString("contentType")).isEqualTo("application/zip");
    }

    @Test
    void programsAndUnknownBinariesAreRefusedAndLeaveNothing() {
        TestUser alice = node.newUser("alice");
        byte[] elf = bytes(2000, 2);
        elf[0] = 0x7f;
        elf[1] = 'E';
        elf[2] = 'L';
        elf[3] = 'F';
        byte[] script = "#!/bin/sh\nrm -rf /\n".getBytes(StandardCharsets.US_ASCII);
        byte[] pe = bytes(2000, 3);
        pe[0] = 'M';
        pe[1] = 'Z';
        byte[] unknown = bytes(2000, 4);
        unknown[0] = 0;
        unknown[1] = 1;
        int before = held(node).size();
        for (byte[] refused : new byte[][]{elf, script, pe, unknown}) {
            Uploads.Answer a = upload(node, alice, "cat.jpg", refused);
            assertThat(a.status()).as("%s", a).isEqualTo(415);
            assertThat(a.errorCode()).isEqualTo("unsupported_media_type");
        }
        assertThat(held(node)).hasSize(before);
    }

    @Test
    void anUploadOverTheLimitIsRefusedDeclaredOrNotAndLeavesNothing() {
        TestUser alice = node.newUser("alice");
        int before = held(node).size();
        Uploads.Answer declared = upload(node, alice, "big.zip", bytes(MAX + 1, 5));
        assertThat(declared.status()).as("%s", declared).isEqualTo(413);
        assertThat(declared.errorCode()).isEqualTo("too_large");
        Uploads.Answer streamed = uploadChunked(node, alice, "big.zip", bytes(4 * MAX, 6));
        assertThat(streamed.status()).as("%s", streamed).isEqualTo(413);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> held(node).size() == before);
        assertThat(uploadChunked(node, alice, "fits.zip", bytes(MAX, 7)).status()).isEqualTo(201);
    }

    @Test
    void theQuotaCountsEveryUploadOfTheUser() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        uploadOk(node, alice, "a.zip", bytes(60 * 1024, 8));
        uploadOk(node, alice, "b.zip", bytes(60 * 1024, 9));

        Uploads.Answer third = upload(node, alice, "c.zip", bytes(60 * 1024, 10));

        assertThat(third.status()).as("%s", third).isEqualTo(413);
        assertThat(third.json().getJsonObject("error").getString("message")).contains("quota");
        assertThat(upload(node, bob, "c.zip", bytes(60 * 1024, 10)).status()).isEqualTo(201);
    }

    @Test
    void identicalBytesAreStoredOnceAndARetryAnswersTheFirstUpload() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        byte[] file = bytes(20_000, 11);
        int before = held(node).size();

        long first = uploadOk(node, alice, "same.zip", file);
        long retry = uploadOk(node, alice, "same.zip", file);
        long bobs = uploadOk(node, bob, "same.zip", file);

        assertThat(retry).isEqualTo(first);
        assertThat(bobs).isNotEqualTo(first);
        assertThat(held(node)).hasSize(before + 1);
        // The retry did not count twice against the quota.
        uploadOk(node, alice, "x.zip", bytes(60 * 1024, 12));
        uploadOk(node, alice, "y.zip", bytes(60 * 1024, 13));
    }

    @Test
    void anUploadCutOffMidwayLeavesNoFile() throws Exception {
        TestUser alice = node.newUser("alice");
        int before = held(node).size();
        try (Socket socket = new Socket("127.0.0.1", node.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/attachments?name=half.zip HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + alice.restDevice().token() + "\r\nContent-Length: " + MAX + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes(MAX / 2, 14));
            out.flush();
            // The node has the first half on disk, in its incoming directory.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> held(node).size() > before);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> held(node).size() == before);
    }

    @Test
    void aUserHasAtMostFourUploadsInFlightAndExpectContinueIsAnswered() throws Exception {
        TestUser alice = node.newUser("alice");
        Path incoming = blobs.resolve("incoming");
        List<Socket> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < UploadSlots.PER_USER; i++) {
                Socket socket = new Socket("127.0.0.1", node.port());
                open.add(socket);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/attachments HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + alice.restDevice().token() + "\r\nContent-Length: " + MAX + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(bytes(1000, 60 + i));
                out.flush();
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> files(incoming).size() >= UploadSlots.PER_USER);

            Uploads.Answer fifth = upload(node, alice, "fifth.zip", bytes(1000, 70));
            assertThat(fifth.status()).as("%s", fifth).isEqualTo(429);
            assertThat(fifth.errorCode()).isEqualTo("rate_limited");
            assertThat(fifth.header("Retry-After")).isEqualTo("1");

            try (Socket waiting = new Socket("127.0.0.1", node.port())) {
                waiting.setSoTimeout(10_000);
                waiting.getOutputStream().write(("POST /v1/attachments HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Authorization: Bearer " + node.newUser("bob").restDevice().token()
                        + "\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String status = new java.io.BufferedReader(new java.io.InputStreamReader(waiting.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
                assertThat(status).isEqualTo("HTTP/1.1 100 Continue");
            }
        } finally {
            for (Socket socket : open) {
                socket.close();
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> upload(node, alice, "later.zip", bytes(1000, 71)).status() == 201);
    }

    @Test
    void othersCannotFetchAnUnsentUpload() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long id = uploadOk(node, alice, "mine.zip", bytes(1000, 15));

        Uploads.Answer asBob = content(node, bob, id);
        assertThat(asBob.status()).isEqualTo(404);
        assertThat(asBob.errorCode()).isEqualTo("not_found");
        assertThat(Uploads.get(node, bob, "/v1/attachments/" + id).status()).isEqualTo(404);
        assertThat(content(node, null, id).status()).isEqualTo(401);
        assertThat(upload(node, null, "x.zip", bytes(100, 16)).status()).isEqualTo(401);
    }

    @Test
    void rangeAndConditionalRequestsAreAnswered() {
        TestUser alice = node.newUser("alice");
        byte[] file = bytes(10_000, 17);
        long id = uploadOk(node, alice, "r.zip", file);

        Uploads.Answer part = content(node, alice, id, "Range", "bytes=100-199");
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.header("Content-Range")).isEqualTo("bytes 100-199/10000");
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(file, 100, 200));
        Uploads.Answer tail = content(node, alice, id, "Range", "bytes=-10");
        assertThat(tail.body()).isEqualTo(java.util.Arrays.copyOfRange(file, 9990, 10000));
        Uploads.Answer whole = content(node, alice, id, "Range", "bytes=20000-");
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(file);
        String etag = content(node, alice, id).header("ETag");
        assertThat(content(node, alice, id, "If-None-Match", etag).status()).isEqualTo(304);
    }

    // Sending.

    private ServerFrame.Sent send(TestSocket socket, long conversation, String clientId, String body, Long... ids) {
        socket.send(ClientFrame.Send.withFiles(clientId, clientId, conversation, body, List.of(ids)));
        return socket.awaitFrame(ServerFrame.Sent.class, f -> f.clientId().equals(clientId));
    }

    private ServerFrame.Error refusedSend(TestSocket socket, long conversation, String clientId, String body, Long... ids) {
        socket.send(ClientFrame.Send.withFiles(clientId, clientId, conversation, body, List.of(ids)));
        return socket.awaitError(clientId);
    }

    @Test
    void aMessageCarriesAttachmentsToTheMembersWhoFetchThemAndToNobodyElse() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser carol = node.newUser("carol");
        long c = alice.directWith(bob);
        byte[] doc = bytes(30_000, 20);
        byte[] text = "minutes of the meeting\n".getBytes(StandardCharsets.UTF_8);
        long first = uploadOk(node, alice, "plan.zip", doc);
        long second = uploadOk(node, alice, "minutes.txt", text);
        TestSocket bobSocket = bob.login("phone").connect();
        TestSocket aliceSocket = alice.login("phone").connect();

        ServerFrame.Sent sent = send(aliceSocket, c, "with-files", "", first, second);

        ServerFrame.Message seen = bobSocket.awaitFrame(ServerFrame.Message.class, m -> m.seq() == sent.seq());
        assertThat(seen.body()).isEmpty();
        assertThat(seen.attachments()).extracting(ServerFrame.Attachment::id).containsExactly(first, second);
        assertThat(seen.attachments().get(0)).isEqualTo(new ServerFrame.Attachment(first, "plan.zip",
                "application/zip", doc.length, sha(doc), 0, 0));
        assertThat(content(node, bob, first).body()).isEqualTo(doc);
        assertThat(content(node, bob, second).body()).isEqualTo(text);
        assertThat(content(node, carol, first).status()).isEqualTo(404);
        assertThat(Uploads.get(node, carol, "/v1/attachments/" + second).status()).isEqualTo(404);
        // History pages and a resumed device see the same attachments.
        JsonObject page = bob.restDevice().history(c, "limit=10").json();
        JsonObject entry = page.getJsonArray("messages").getJsonObject(page.getJsonArray("messages").size() - 1);
        assertThat(entry.getJsonArray("attachments").getJsonObject(1).getLong("id")).isEqualTo(second);
        TestSocket resumed = bob.login("tablet").connect(Map.of(c, sent.seq() - 1));
        ServerFrame.Message caughtUp = resumed.awaitFrame(ServerFrame.Message.class, m -> m.seq() == sent.seq());
        assertThat(caughtUp.attachments()).isEqualTo(seen.attachments());
    }

    @Test
    void onlyTheUploaderMayAttachAndNothingIsAppendedOtherwise() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        long alices = uploadOk(node, alice, "a.zip", bytes(1000, 21));
        TestSocket bobSocket = bob.login("phone").connect();
        long before = bob.restDevice().get("/v1/conversations/" + c).getLong("lastSeq");

        ServerFrame.Error stolen = refusedSend(bobSocket, c, "steal", "look", alices);
        ServerFrame.Error unknown = refusedSend(bobSocket, c, "ghost", "look", 4_000_000_000L);
        ServerFrame.Error empty = refusedSend(bobSocket, c, "empty", "");

        assertThat(stolen.code()).isEqualTo("not_found");
        assertThat(unknown.code()).isEqualTo("not_found");
        assertThat(empty.code()).isEqualTo("invalid_field");
        assertThat(bob.restDevice().get("/v1/conversations/" + c).getLong("lastSeq")).isEqualTo(before);
        assertThat(content(node, bob, alices).status()).isEqualTo(404);
    }

    @Test
    void aRetryIsTheSameMessageAndDifferentAttachmentsUnderItsClientIdConflict() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        long one = uploadOk(node, alice, "1.zip", bytes(1000, 22));
        long two = uploadOk(node, alice, "2.zip", bytes(1000, 23));
        TestSocket socket = alice.login("phone").connect();

        ServerFrame.Sent first = send(socket, c, "again", "see", one);
        ServerFrame.Sent retry = send(socket, c, "again", "see", one);
        ServerFrame.Error other = refusedSend(socket, c, "again", "see", two);

        assertThat(retry).isEqualTo(first);
        assertThat(other.code()).isEqualTo("client_id_conflict");
    }

    @Test
    void aMemberAddedLaterFetchesWhatIsSharedFromTheirJoinOnNotBefore() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser dave = node.newUser("dave");
        Groups groups = new Groups(node);
        long g = groups.createOk(alice, "Crew", bob);
        TestSocket socket = alice.login("phone").connect();
        long before = uploadOk(node, alice, "before.zip", bytes(1000, 26));
        send(socket, g, "b", "", before);
        groups.addOk(alice, g, dave);
        long after = uploadOk(node, alice, "after.zip", bytes(1000, 27));
        send(socket, g, "a", "", after);

        assertThat(content(node, dave, before).status()).isEqualTo(404);
        assertThat(Uploads.get(node, dave, "/v1/attachments/" + before).status()).isEqualTo(404);
        assertThat(content(node, dave, after).status()).isEqualTo(200);
        assertThat(content(node, bob, before).status()).isEqualTo(200);
    }

    @Test
    void aFormerMemberSeesTheAttachmentsOfWhatTheySawAndNothingAfter() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser carol = node.newUser("carol");
        Groups groups = new Groups(node);
        long g = groups.createOk(alice, "Crew", bob, carol);
        TestSocket socket = alice.login("phone").connect();
        long before = uploadOk(node, alice, "before.zip", bytes(1000, 24));
        send(socket, g, "b", "", before);
        groups.removeOk(alice, g, carol);
        long after = uploadOk(node, alice, "after.zip", bytes(1000, 25));
        send(socket, g, "a", "", after);

        assertThat(content(node, carol, before).status()).isEqualTo(200);
        assertThat(content(node, carol, after).status()).isEqualTo(404);
        assertThat(content(node, bob, after).status()).isEqualTo(200);
    }

    @Test
    void anUploadNeverSentIsRemovedWithItsBytesAndASentOneStays() throws Exception {
        try (TestNode quick = start(dir.resolve("quick"), c -> c.withAttachments(
                c.attachments().withUnsentExpiry(Duration.ofSeconds(1))))) {
            TestUser alice = quick.newUser("alice");
            TestUser bob = quick.newUser("bob");
            long c = alice.directWith(bob);
            byte[] kept = bytes(5000, 26);
            long sent = uploadOk(quick, alice, "sent.zip", kept);
            long unsent = uploadOk(quick, alice, "unsent.zip", bytes(5000, 27));
            TestSocket socket = alice.login("phone").connect();
            send(socket, c, "in-time", "", sent);
            assertThat(held(quick)).hasSize(2);

            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Uploads.get(quick, alice, "/v1/attachments/" + unsent).status() == 404);
            // The sweep removes the description, then the bytes: the same pass, a moment later.
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> held(quick).size() == 1);

            assertThat(content(quick, bob, sent).body()).isEqualTo(kept);
            long late = uploadOk(quick, alice, "late.zip", bytes(5000, 28));
            Thread.sleep(1_100);
            assertThat(refusedSend(socket, c, "too-late", "", late).code()).isEqualTo("not_found");
        }
    }

    @Test
    void retentionRemovesTheFilesOfTheEntriesItDeletesAndTheirWords() throws Exception {
        try (TestNode brief = start(dir.resolve("brief"), c -> c.withRetention(new ServerConfig.Retention(
                Duration.ofSeconds(2))).withAttachments(c.attachments().withUnsentExpiry(Duration.ofSeconds(1))))) {
            TestUser alice = brief.newUser("alice");
            TestUser bob = brief.newUser("bob");
            long c = alice.directWith(bob);
            long id = uploadOk(brief, alice, "old.zip", bytes(3000, 31));
            send(alice.login("phone").connect(), c, "old", "ephemeral words", id);
            assertThat(content(brief, bob, id).status()).isEqualTo(200);
            assertThat(bob.restDevice().get("/v1/search?q=ephemeral").array("hits")).hasSize(1);

            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> Uploads.get(brief, alice, "/v1/attachments/" + id).status() == 404);
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> held(brief).isEmpty());

            assertThat(content(brief, bob, id).status()).isEqualTo(404);
            assertThat(bob.restDevice().get("/v1/search?q=ephemeral").array("hits")).isEmpty();
        }
    }

    // Images.

    @Test
    void aPhotoLosesItsLocationBeforeAnyoneFetchesItAndKeepsItsOrientation() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        byte[] photo = TestImages.jpegWithMetadata(TestImages.image(300, 200, "jpeg"), 6);
        assertThat(TestImages.contains(photo, TestImages.SECRET)).isTrue();

        Uploads.Answer up = upload(node, alice, "IMG_0001.jpg", photo);

        assertThat(up.status()).as("%s", up).isEqualTo(201);
        assertThat(up.json().getString("contentType")).isEqualTo("image/jpeg");
        // Orientation 6 turns the picture a quarter: shown 200 wide and 300 high.
        assertThat(up.json().getInteger("width")).isEqualTo(200);
        assertThat(up.json().getInteger("height")).isEqualTo(300);
        send(alice.login("phone").connect(), c, "photo", "", up.id());
        byte[] fetched = content(node, bob, up.id()).body();
        assertThat(TestImages.contains(fetched, TestImages.SECRET)).isFalse();
        assertThat(TestImages.contains(fetched, "xmpmeta")).isFalse();
        assertThat(new String(fetched, StandardCharsets.ISO_8859_1))
                .contains(new String(new byte[]{0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6}, StandardCharsets.ISO_8859_1));
        assertThat(up.json().getLong("size")).isEqualTo(fetched.length);
        java.awt.image.BufferedImage pixels = TestImages.decode(fetched);
        assertThat(pixels.getWidth()).isEqualTo(300);
        assertThat(pixels.getHeight()).isEqualTo(200);
        Uploads.Answer thumb = Uploads.get(node, bob, "/v1/attachments/" + up.id() + "/thumbnail");
        assertThat(thumb.status()).isEqualTo(200);
        assertThat(thumb.header("Content-Type")).isEqualTo("image/jpeg");
        java.awt.image.BufferedImage small = TestImages.decode(thumb.body());
        assertThat(small.getHeight()).isEqualTo(96);
        assertThat(small.getWidth()).isEqualTo(64);
        assertThat(content(node, bob, up.id()).header("Content-Disposition")).startsWith("inline;");
    }

    @Test
    void pngAndGifTextIsRemovedAndThePixelsStay() {
        TestUser alice = node.newUser("alice");
        byte[] png = TestImages.image(120, 80, "png");
        Uploads.Answer up = upload(node, alice, "shot.png", TestImages.pngWithMetadata(png));
        assertThat(up.status()).as("%s", up).isEqualTo(201);
        byte[] fetched = content(node, alice, up.id()).body();
        assertThat(TestImages.contains(fetched, TestImages.SECRET)).isFalse();
        assertThat(TestImages.decode(fetched).getRGB(10, 10)).isEqualTo(TestImages.decode(png).getRGB(10, 10));
        assertThat(up.json().getInteger("width")).isEqualTo(120);

        byte[] gif = TestImages.gifWithComment(TestImages.image(50, 40, "gif"));
        Uploads.Answer g = upload(node, alice, "anim.gif", gif);
        assertThat(g.status()).as("%s", g).isEqualTo(201);
        byte[] fetchedGif = content(node, alice, g.id()).body();
        assertThat(TestImages.contains(fetchedGif, TestImages.SECRET)).isFalse();
        assertThat(TestImages.decode(fetchedGif).getWidth()).isEqualTo(50);
        assertThat(g.json().getInteger("height")).isEqualTo(40);
    }

    @Test
    void aDecompressionBombIsRefusedUndecodedAndLeavesNothing() {
        TestUser alice = node.newUser("alice");
        int before = held(node).size();

        Uploads.Answer bomb = upload(node, alice, "tiny.png", TestImages.pngDeclaring(100_000, 100_000));
        Uploads.Answer wide = upload(node, alice, "wide.png", TestImages.pngDeclaring(20_000, 10));

        assertThat(bomb.status()).as("%s", bomb).isEqualTo(413);
        assertThat(bomb.errorCode()).isEqualTo("too_large");
        assertThat(bomb.json().getJsonObject("error").getString("message")).contains("100000 x 100000");
        assertThat(wide.status()).isEqualTo(413);
        assertThat(held(node)).hasSize(before);
        Uploads.Answer broken = upload(node, alice, "broken.jpg", new byte[]{(byte) 0xff, (byte) 0xd8, (byte) 0xff, 1});
        assertThat(broken.status()).as("%s", broken).isEqualTo(415);
        assertThat(held(node)).hasSize(before);
    }

    @Test
    void aFileThatIsNoImageHasNoThumbnail() {
        TestUser alice = node.newUser("alice");
        long id = uploadOk(node, alice, "a.zip", bytes(1000, 30));
        assertThat(Uploads.get(node, alice, "/v1/attachments/" + id + "/thumbnail").status()).isEqualTo(404);
        assertThat(Uploads.get(node, alice, "/v1/attachments/" + id).json().containsKey("width")).isFalse();
    }

    static String sha(byte[] b) {
        try {
            return sha256(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static boolean exists(Path p) {
        return Files.exists(p);
    }
}
