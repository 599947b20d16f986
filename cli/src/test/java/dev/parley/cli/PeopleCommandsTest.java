package dev.parley.cli;

import dev.parley.core.request.RequestRule;
import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** profile, block, requests, report, password and delete-account, run as {@code ./parley} runs them. */
class PeopleCommandsTest {
    @TempDir
    static Path dir;
    static LocalNode node;

    @TempDir
    Path home;

    @BeforeAll
    static void startNode() throws Exception {
        node = LocalNode.start(dir.resolve("node"), c -> c.withPeople(c.people()
                .withMessageRequests(RequestRule.CONTACTS_ONLY)));
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    private CliRun parley(String... args) {
        return CliRun.run(home, args);
    }

    private String loggedIn(String prefix) {
        String name = LocalNode.uniqueName(prefix);
        CliRun r = parley("register", name, "--server", node.base().toString(), "--password", "password-" + name);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return name;
    }

    @Test
    void aUserSetsTheirProfileBlocksReportsChangesPasswordAndDeletesTheAccount() throws Exception {
        Session stranger = node.newUser("stranger");
        String me = loggedIn("me");

        CliRun set = parley("profile", "--name", "Maria Zoë", "--status", "on the wall");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).contains("\t" + me + "\tMaria Zo\u00eb\ton the wall\t");
        Path png = dir.resolve("me.png");
        ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
        CliRun avatar = parley("profile", "--avatar", png.toString());
        assertThat(avatar.lines().getFirst().split("\t")).hasSize(5);
        assertThat(parley("profile", "--name", "\u0410dmin").err()).startsWith("error: invalid_field");

        try (ParleyClient s = ParleyClient.builder(node.base(), stranger).build()) {
            long c = s.openDirect(me).conversationId();
            s.connect().get(20, TimeUnit.SECONDS);
            s.send(c, "want to buy followers?").get(20, TimeUnit.SECONDS);
            CliRun requests = parley("requests");
            assertThat(requests.lines()).singleElement().satisfies(l -> assertThat(l)
                    .isEqualTo(c + "\t" + stranger.username() + "\t" + stranger.username() + "\t1\twant to buy followers?"));
            assertThat(parley("report", "--reason", "spam", "--in", Long.toString(c), "--seq", "1").out())
                    .startsWith("reported ");
            assertThat(parley("block", stranger.username()).out().strip()).isEqualTo("blocked " + stranger.username());
            assertThat(parley("block").lines()).singleElement().satisfies(l -> assertThat(l).contains(stranger.username()));
            assertThat(parley("requests").lines()).isEmpty();
            assertThat(parley("block", stranger.username(), "--undo").out().strip())
                    .isEqualTo("unblocked " + stranger.username());
        }

        assertThat(parley("delete-account", "--yes", "--password", "wrong-password").err())
                .startsWith("error: invalid_credentials");
        assertThat(parley("delete-account", "--yes", "--password", "password-" + me).out().strip())
                .isEqualTo("account deleted");
        assertThat(Files.exists(home.resolve("session.json"))).isFalse();
    }
}
