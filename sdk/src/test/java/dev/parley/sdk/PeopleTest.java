package dev.parley.sdk;

import dev.parley.core.request.RequestRule;
import dev.parley.protocol.ErrorCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The SDK's people calls against a real node with message requests on. */
class PeopleTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    static LocalNode node;
    private final List<ParleyClient> clients = new ArrayList<>();

    @BeforeAll
    static void startNode() throws Exception {
        node = LocalNode.start(dir, c -> c.withPeople(c.people().withMessageRequests(RequestRule.CONTACTS_ONLY)));
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
    void profilesAvatarsRequestsBlocksAndReports() throws Exception {
        Session alice = node.newUser("alice");
        Session bob = node.newUser("bob");
        Recorder aliceSees = new Recorder();
        Recorder bobSees = new Recorder();
        ParleyClient a = client(alice, aliceSees);
        ParleyClient b = client(bob, bobSees);
        a.connect().get();
        b.connect().get();

        long cid = a.openDirect(bob.username()).conversationId();
        a.send(cid, "hello, stranger").get();
        await().atMost(PATIENCE).until(() -> bobSees.requests.contains(cid));
        assertThat(b.requests()).singleElement().satisfies(r -> {
            assertThat(r.request()).isTrue();
            assertThat(r.peer().userId()).isEqualTo(alice.userId());
        });
        b.acceptRequest(cid);
        await().atMost(PATIENCE).until(() -> bobSees.in(cid).size() == 2);

        User renamed = a.updateProfile("Alice L.", "climbing");
        assertThat(renamed.shownName()).isEqualTo("Alice L.");
        await().atMost(PATIENCE).until(() -> bobSees.profiles.stream().anyMatch(u -> "Alice L.".equals(u.displayName())));
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        User withAvatar = a.setAvatar(png.toByteArray());
        assertThat(withAvatar.avatar()).isNotNull();
        User seen = b.users(List.of(alice.userId())).getFirst();
        assertThat(seen.avatar()).isEqualTo(withAvatar.avatar());
        assertThat(ImageIO.read(new ByteArrayInputStream(b.avatar(seen))).getWidth()).isEqualTo(256);
        assertThat(b.allConversations()).singleElement().satisfies(c -> assertThat(c.displayName()).isEqualTo("Alice L."));

        b.block(alice.userId());
        assertThat(b.blocks()).extracting(User::userId).containsExactly(alice.userId());
        assertThatThrownBy(() -> a.send(cid, "still there?").get())
                .hasCauseInstanceOf(ParleyException.class)
                .cause().satisfies(e -> assertThat(((ParleyException) e).code()).isEqualTo(ErrorCode.UNREACHABLE));
        assertThat(b.reportMessages(cid, List.of(1L), "spam", "unsolicited")).isPositive();
        b.unblock(alice.userId());
        assertThat(b.blocks()).isEmpty();

        assertThat(a.changePassword("password-" + alice.username(), "a-brand-new-one", true)).isZero();
        a.deleteAccount("a-brand-new-one");
        await().atMost(PATIENCE).until(() -> a.state() == ConnectionState.ACCOUNT_DELETED);
        await().atMost(PATIENCE).until(() -> bobSees.profiles.stream().anyMatch(User::deleted));
        assertThat(b.allConversations().getFirst().displayName()).isEqualTo("Deleted account");
    }
}
