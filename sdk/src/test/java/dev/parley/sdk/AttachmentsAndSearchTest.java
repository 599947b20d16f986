package dev.parley.sdk;

import dev.parley.protocol.ErrorCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The SDK's uploads (with progress), sends with attachments, downloads and search, against a real node. */
class AttachmentsAndSearchTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    static LocalNode node;
    private final List<ParleyClient> clients = new ArrayList<>();

    @BeforeAll
    static void startNode() throws Exception {
        node = LocalNode.start(dir.resolve("node"));
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(ParleyClient::close);
    }

    private ParleyClient client(Session s, Recorder r) {
        ParleyClient c = ParleyClient.builder(node.base(), s).listener(r).build();
        clients.add(c);
        return c;
    }

    @Test
    void uploadSendDownloadAndFind() throws Exception {
        Session alice = node.newUser("alice");
        Session bob = node.newUser("bob");
        Recorder bobSees = new Recorder();
        Recorder aliceSees = new Recorder();
        ParleyClient a = client(alice, aliceSees);
        ParleyClient b = client(bob, bobSees);
        a.connect().get();
        b.connect().get();
        long cid = a.openDirect(bob.username()).conversationId();

        byte[] bytes = new byte[300_000];
        new Random(1).nextBytes(bytes);
        System.arraycopy(new byte[]{'P', 'K', 3, 4}, 0, bytes, 0, 4);
        Path file = dir.resolve("report.zip");
        Files.write(file, bytes);
        AtomicLong progress = new AtomicLong();
        Attachment zip = a.upload(file, "report.zip", progress::set);
        assertThat(progress.get()).isEqualTo(bytes.length);
        assertThat(zip.contentType()).isEqualTo("application/zip");
        Path png = dir.resolve("dot.png");
        ImageIO.write(new BufferedImage(64, 32, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
        Attachment image = a.upload(png);
        assertThat(image.isImage()).isTrue();

        a.sendFiles(cid, "the quarterly report", List.of(zip, image)).get();

        await().atMost(PATIENCE).until(() -> !bobSees.in(cid).isEmpty());
        ChatMessage m = bobSees.in(cid).getFirst();
        assertThat(m.attachments()).containsExactly(zip, image);
        // The sender's own copy of the entry carries them too.
        await().atMost(PATIENCE).until(() -> !aliceSees.in(cid).isEmpty());
        assertThat(aliceSees.in(cid).getFirst().attachments()).containsExactly(zip, image);
        Path got = dir.resolve("got.zip");
        b.download(zip.id(), got);
        assertThat(Files.readAllBytes(got)).isEqualTo(bytes);
        assertThat(ImageIO.read(new ByteArrayInputStream(b.thumbnail(image.id()))).getWidth()).isEqualTo(64);
        assertThat(b.history(cid, null, null, 10).messages().getLast().attachments()).hasSize(2);

        SearchPage found = b.search("QUARTER", null, 10, null);
        assertThat(found.hits()).singleElement().satisfies(h -> {
            assertThat(h.conversationId()).isEqualTo(cid);
            assertThat(h.snippet().substring(h.highlights().getFirst()[0], h.highlights().getFirst()[1]))
                    .isEqualTo("quarterly");
        });
        assertThat(found.next()).isNull();

        Session carol = node.newUser("carol");
        ParleyClient c = client(carol, new Recorder());
        assertThatThrownBy(() -> c.download(zip.id(), dir.resolve("stolen.zip")))
                .isInstanceOf(ParleyException.class)
                .satisfies(e -> assertThat(((ParleyException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(Files.exists(dir.resolve("stolen.zip"))).isFalse();
        assertThat(c.search("quarterly", null, 10, null).hits()).isEmpty();
    }
}
