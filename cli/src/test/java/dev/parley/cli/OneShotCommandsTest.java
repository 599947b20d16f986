package dev.parley.cli;

import dev.parley.protocol.ErrorCode;
import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.ParleyException;
import dev.parley.sdk.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scriptable commands, run as {@code ./parley} runs them, against a real node. */
class OneShotCommandsTest {
    @TempDir
    static Path dir;
    static LocalNode node;

    @TempDir
    Path home;

    @BeforeAll
    static void startNode() throws Exception {
        node = LocalNode.start(dir.resolve("node"));
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    private CliRun parley(String... args) {
        return CliRun.run(home, args);
    }

    /** Registers through the command and returns the username. */
    private String registered(String prefix) {
        String name = LocalNode.uniqueName(prefix);
        CliRun r = parley("register", name, "--server", node.base().toString(), "--password", "password-" + name);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return name;
    }

    @Test
    void registerAndLoginKeepTheTokenReadableByTheOwnerOnly() throws Exception {
        String name = LocalNode.uniqueName("alice");
        CliRun reg = parley("register", name, "--server", node.base().toString(), "--password", "password-" + name);
        assertThat(reg.exitCode()).as(reg.err()).isZero();
        assertThat(reg.out()).matches("registered " + name + " \\d+\\R");

        Path file = home.resolve("session.json");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(home)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        SavedLogin saved = new LoginFile(home).read().orElseThrow();
        assertThat(saved.server()).isEqualTo(node.base());
        assertThat(saved.session().username()).isEqualTo(name);

        CliRun login = parley("login", name, "--server", node.base().toString(), "--password", "password-" + name,
                "--device", "laptop");
        assertThat(login.exitCode()).as(login.err()).isZero();
        SavedLogin again = new LoginFile(home).read().orElseThrow();
        assertThat(login.out().strip()).isEqualTo("logged in " + name + " " + again.session().userId() + " "
                + again.session().deviceId());
        assertThat(again.session().deviceId()).isNotEqualTo(saved.session().deviceId());
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        CliRun wrong = parley("login", name, "--server", node.base().toString(), "--password", "not-the-password");
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.err()).startsWith("error: invalid_credentials");
    }

    @Test
    void sendHistoryAndConversationsPrintStableColumns() throws Exception {
        String alice = registered("alice");
        Session bob = node.newUser("bob");

        CliRun sent = parley("send", "--to", bob.username(), "hello", "there");
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        assertThat(sent.out()).matches("sent \\d+ 1\\R");
        long cid = Long.parseLong(sent.out().split(" ")[1]);
        assertThat(parley("send", "--to", bob.username(), "tabs\tand\nlines").out().strip())
                .isEqualTo("sent " + cid + " 2");

        try (ParleyClient b = ParleyClient.builder(node.base(), bob).build()) {
            b.connect();
            b.send(cid, "hi " + alice).get(20, TimeUnit.SECONDS);
        }

        CliRun history = parley("history", bob.username());
        assertThat(history.exitCode()).as(history.err()).isZero();
        List<String[]> rows = history.lines().stream().map(l -> l.split("\t", -1)).toList();
        assertThat(rows).hasSize(3);
        assertThat(rows).allSatisfy(r -> assertThat(r).hasSize(5));
        assertThat(rows.get(0)).containsExactly("1", rows.get(0)[1], alice, "text", "hello there");
        assertThat(Instant.parse(rows.get(0)[1])).isBefore(Instant.now().plusSeconds(60));
        assertThat(rows.get(1)[4]).isEqualTo("tabs and lines");
        assertThat(rows.get(2)).containsExactly("3", rows.get(2)[1], bob.username(), "text", "hi " + alice);

        assertThat(parley("history", bob.username(), "--limit", "1").lines()).singleElement()
                .satisfies(l -> assertThat(l).startsWith("3\t"));
        assertThat(parley("history", bob.username(), "--before", "3", "--limit", "1").lines()).singleElement()
                .satisfies(l -> assertThat(l).startsWith("2\t"));

        CliRun list = parley("conversations");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.lines()).containsExactly(cid + "\tdirect\t" + bob.username() + "\t1\thi " + alice);
    }

    @Test
    void groupsAreCreatedAndWrittenToById() {
        String alice = registered("alice");
        Session bob = node.newUser("bob");
        Session carol = node.newUser("carol");

        CliRun created = parley("group", "create", "Climbing club", bob.username(), carol.username());
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).matches("created \\d+\\R");
        String gid = created.out().strip().substring("created ".length());

        assertThat(parley("send", "--group", gid, "first", "route").out().strip()).isEqualTo("sent " + gid + " 2");
        List<String> history = parley("history", "--group", gid).lines();
        assertThat(history).hasSize(2);
        assertThat(history.get(0)).endsWith("\t" + alice + "\tcreated\tcreated \"Climbing club\" with " + alice + ", "
                + bob.username() + ", " + carol.username());
        assertThat(history.get(1)).endsWith("\t" + alice + "\ttext\tfirst route");
        assertThat(parley("conversations").lines())
                .containsExactly(gid + "\tgroup\tClimbing club\t0\tfirst route");
    }

    @Test
    void failuresGoToStandardErrorWithAnExitCode() {
        CliRun notLoggedIn = parley("conversations");
        assertThat(notLoggedIn.exitCode()).isEqualTo(3);
        assertThat(notLoggedIn.err()).contains("not logged in");

        registered("dave");
        CliRun nobody = parley("send", "--to", "nobody-here", "hello?");
        assertThat(nobody.exitCode()).isEqualTo(1);
        assertThat(nobody.err()).startsWith("error: not_found");
        assertThat(nobody.out()).isEmpty();

        CliRun notMine = parley("send", "--group", "999999", "hello?");
        assertThat(notMine.exitCode()).isEqualTo(1);
        assertThat(notMine.err()).startsWith("error: not_found");

        assertThat(parley("history").exitCode()).isEqualTo(2);
        assertThat(parley("send", "hello").exitCode()).isEqualTo(2);
    }

    @Test
    void logoutRevokesTheTokenAndForgetsIt() {
        registered("erin");
        Session saved = new LoginFile(home).read().orElseThrow().session();
        CliRun out = parley("logout");
        assertThat(out.exitCode()).as(out.err()).isZero();
        assertThat(out.out().strip()).isEqualTo("logged out");
        assertThat(home.resolve("session.json")).doesNotExist();
        try (ParleyClient old = ParleyClient.builder(node.base(), saved).build()) {
            assertThatThrownBy(old::me).isInstanceOfSatisfying(ParleyException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
        }
        assertThat(parley("logout").exitCode()).isEqualTo(3);
    }
}
