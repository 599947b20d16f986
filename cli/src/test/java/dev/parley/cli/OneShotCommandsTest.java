package dev.parley.cli;

import dev.parley.protocol.ErrorCode;
import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.ParleyException;
import dev.parley.sdk.Session;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
    void filesAreSentShownWithADownloadCommandDownloadedAndMessagesFound() throws Exception {
        registered("alice");
        Session bob = node.newUser("bob");
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "bring the rope\n");

        CliRun sent = parley("send", "--to", bob.username(), "--attach", file.toString(), "the", "climbing", "list");
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        CliRun only = parley("send", "--to", bob.username(), "--attach", file.toString());
        assertThat(only.exitCode()).as(only.err()).isZero();
        assertThat(parley("send", "--to", bob.username()).exitCode()).isEqualTo(2);

        CliRun history = parley("history", bob.username());
        String text = history.lines().getFirst().split("\t", -1)[4];
        assertThat(text).matches("the climbing list \\[file notes\\.txt, 15 B: parley download \\d+\\]");
        String id = text.replaceAll(".*parley download (\\d+)\\]", "$1");
        Path saved = home.resolve("saved.txt");
        CliRun download = parley("download", id, "--out", saved.toString());
        assertThat(download.exitCode()).as(download.err()).isZero();
        assertThat(Files.readString(saved)).isEqualTo("bring the rope\n");

        CliRun found = parley("search", "CLIMB");
        assertThat(found.exitCode()).as(found.err()).isZero();
        assertThat(found.lines()).singleElement().satisfies(l -> assertThat(l).endsWith("\tthe climbing list"));
        assertThat(parley("search", "nothing-like-it").lines()).isEmpty();
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
    void everyCommandFindsTheNodeByOptionThenVariableThenLogin() throws Exception {
        registered("alice");
        Session bob = node.newUser("bob");
        String here = node.base().toString();
        String nowhere = "http://127.0.0.1:" + closedPort();
        Map<String, String> elsewhere = Map.of("PARLEY_SERVER", nowhere);

        // Logged in on the node, with the variable naming another: the variable wins, and the error says where it went.
        CliRun viaVariable = CliRun.run(home, elsewhere, "conversations");
        assertThat(viaVariable.exitCode()).isEqualTo(1);
        assertThat(viaVariable.err()).startsWith("error: unavailable: cannot reach " + nowhere);
        assertThat(viaVariable.err().lines()).hasSize(1);

        // --server wins over the variable, on every command.
        CliRun sent = CliRun.run(home, elsewhere, "send", "--server", here, "--to", bob.username(), "hi");
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        for (String[] command : List.of(
                new String[] {"history", "--server", here, bob.username()},
                new String[] {"conversations", "--server", here},
                new String[] {"group", "create", "--server", here, "Server club", bob.username()},
                new String[] {"group", "members", "--server", here, "Server club"},
                new String[] {"send", "--server", here, "--group", "Server club", "hello club"})) {
            CliRun r = CliRun.run(home, elsewhere, command);
            assertThat(r.exitCode()).as(String.join(" ", command) + ": " + r.err()).isZero();
        }

        // A login saved for a node that has moved: the variable points at where it is now.
        SavedLogin saved = new LoginFile(home).read().orElseThrow();
        new LoginFile(home).write(new SavedLogin(URI.create(nowhere), saved.session()));
        CliRun moved = CliRun.run(home, Map.of("PARLEY_SERVER", here), "history", bob.username());
        assertThat(moved.exitCode()).as(moved.err()).isZero();
        assertThat(moved.lines()).hasSize(1);
        // Neither option nor variable: the login's node.
        assertThat(parley("conversations").err()).startsWith("error: unavailable: cannot reach " + nowhere);

        // register and login follow the same rule, and keep the node they used.
        Path other = home.resolve("second-user");
        String carol = LocalNode.uniqueName("carol");
        CliRun reg = CliRun.run(other, Map.of("PARLEY_SERVER", here), "register", carol, "--password", "pw-" + carol
                + "-long");
        assertThat(reg.exitCode()).as(reg.err()).isZero();
        assertThat(new LoginFile(other).read().orElseThrow().server()).isEqualTo(node.base());
        assertThat(CliRun.run(other, Map.of("PARLEY_SERVER", "localhost:8080"), "conversations").err())
                .contains("PARLEY_SERVER must be an http:// or https:// URL");
        assertThat(CliRun.run(other, Map.of(), "conversations").exitCode()).isZero();
    }

    @Test
    void refusalsNameWhatTheyAreAbout() {
        registered("dave");
        Session bob = node.newUser("bob");

        CliRun nobody = parley("send", "--to", "nobody-here", "hello?");
        assertThat(nobody.exitCode()).isEqualTo(1);
        assertThat(nobody.err()).isEqualTo("error: not_found: user not found: nobody-here\n");
        assertThat(parley("history", "nobody-here").err()).isEqualTo("error: not_found: user not found: nobody-here\n");

        CliRun group = parley("group", "create", "Club", bob.username(), "nobody-1", "nobody-2");
        assertThat(group.exitCode()).isEqualTo(1);
        assertThat(group.err()).isEqualTo("error: not_found: users not found: nobody-1, nobody-2\n");

        assertThat(parley("send", "--group", "999999", "hello?").err())
                .isEqualTo("error: not_found: no such group: 999999\n");
        assertThat(parley("send", "--group", "No such club", "hello?").err())
                .isEqualTo("error: not_found: no such group: No such club\n");
        assertThat(parley("history", "--group", "No such club").err())
                .isEqualTo("error: not_found: no such group: No such club\n");

        assertThat(parley("group", "create", "Club", bob.username()).exitCode()).isZero();
        assertThat(parley("group", "add", "Club", "nobody-3").err())
                .isEqualTo("error: not_found: user not found: nobody-3\n");
        assertThat(parley("group", "remove", "Club", "nobody-3").err())
                .isEqualTo("error: not_found: not a member of Club: nobody-3\n");
    }

    @Test
    void groupListsAndHistoryNameEveryMember() {
        String alice = registered("alice");
        Session bob = node.newUser("bob");
        Session carol = node.newUser("carol");
        Session dave = node.newUser("dave");
        try (ParleyClient b = ParleyClient.builder(node.base(), bob).build()) {
            long gid = b.createGroup("Book club", List.of(alice, carol.username())).conversationId();
            assertThat(parley("conversations").lines()).containsExactly(gid + "\tgroup\tBook club\t0\tcreated \"Book club\" with "
                    + bob.username() + ", " + alice + ", " + carol.username());

            b.addMembers(gid, List.of(dave.username()));
            b.removeMember(gid, dave.userId());
            CliRun list = parley("conversations");
            assertThat(list.out()).doesNotContain("user:").endsWith("\tremoved " + UserNames.FORMER + "\n");
            CliRun history = parley("history", "--group", "Book club");
            assertThat(history.out()).doesNotContain("user:");
            assertThat(history.lines()).hasSize(3);
            assertThat(history.lines().get(1)).endsWith("\t" + bob.username() + "\tmembers_added\tadded " + UserNames.FORMER);
        }
    }

    @Test
    void groupsAreChangedByTitleOrId() {
        String alice = registered("alice");
        Session bob = node.newUser("bob");
        Session carol = node.newUser("carol");
        Session dave = node.newUser("dave");

        String gid = parley("group", "create", "Climbing club", bob.username()).out().strip().substring("created ".length());
        assertThat(parley("group", "add", "Climbing club", carol.username(), dave.username()).out())
                .isEqualTo("added " + carol.username() + ", " + dave.username() + "\n");
        assertThat(parley("group", "role", "Climbing club", carol.username(), "admin").out())
                .isEqualTo("made " + carol.username() + " admin\n");
        assertThat(parley("group", "remove", gid, dave.username()).out()).isEqualTo("removed " + dave.username() + "\n");
        assertThat(parley("group", "rename", "climbing CLUB", "Bouldering").out())
                .isEqualTo("renamed the group to \"Bouldering\"\n");
        assertThat(parley("send", "--group", "Bouldering", "first", "route").out().strip()).isEqualTo("sent " + gid + " 6");

        CliRun members = parley("group", "members", "Bouldering", "--header");
        assertThat(members.lines().getFirst()).isEqualTo("USER\tROLE\tDELIVERED\tREAD");
        assertThat(members.lines().stream().skip(1).map(l -> l.split("\t")[0] + " " + l.split("\t")[1]))
                .containsExactly(alice + " owner", bob.username() + " member", carol.username() + " admin");

        assertThat(parley("group", "role", "Bouldering", bob.username(), "owner").exitCode()).isEqualTo(2);
        CliRun left = parley("group", "leave", "Bouldering");
        assertThat(left.exitCode()).as(left.err()).isZero();
        assertThat(left.out()).isEqualTo("left; " + carol.username() + " is now the owner\n");
        assertThat(parley("send", "--group", gid, "still here?").err()).isEqualTo("error: not_found: no such group: "
                + gid + "\n");
    }

    @Test
    void historyAndConversationsPrintAHeaderRowOrJson() {
        String alice = registered("alice");
        Session bob = node.newUser("bob");
        long cid = Long.parseLong(parley("send", "--to", bob.username(), "a \"quoted\"\tword").out().split(" ")[1]);

        CliRun history = parley("history", bob.username(), "--header");
        assertThat(history.lines()).hasSize(2);
        assertThat(history.lines().get(0)).isEqualTo("SEQ\tTIME\tSENDER\tKIND\tTEXT");
        assertThat(history.lines().get(1)).startsWith("1\t").endsWith("\t" + alice + "\ttext\ta \"quoted\" word");

        JsonArray entries = new JsonArray(parley("history", bob.username(), "--json").out());
        assertThat(entries).hasSize(1);
        JsonObject entry = entries.getJsonObject(0);
        assertThat(entry.getLong("seq")).isEqualTo(1);
        assertThat(entry.getString("sender")).isEqualTo(alice);
        assertThat(entry.getString("kind")).isEqualTo("text");
        assertThat(entry.getString("text")).isEqualTo("a \"quoted\"\tword"); // JSON keeps the text as it is
        assertThat(Instant.parse(entry.getString("time"))).isBefore(Instant.now().plusSeconds(60));

        assertThat(parley("conversations", "--header").lines()).containsExactly("ID\tKIND\tNAME\tUNREAD\tLAST MESSAGE",
                cid + "\tdirect\t" + bob.username() + "\t0\ta \"quoted\" word");
        JsonArray list = new JsonArray(parley("conversations", "--json").out());
        assertThat(list).hasSize(1);
        assertThat(list.getJsonObject(0).getMap()).containsEntry("conversationId", cid).containsEntry("kind", "direct")
                .containsEntry("name", bob.username()).containsEntry("unread", 0);
        assertThat(new JsonArray(parley("history", bob.username(), "--json", "--after", "1").out())).isEmpty();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
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
