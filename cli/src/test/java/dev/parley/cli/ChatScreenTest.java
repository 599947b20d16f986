package dev.parley.cli;

import dev.parley.sdk.ChatMessage;
import dev.parley.sdk.ConnectionState;
import dev.parley.sdk.EntryKind;
import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.ParleyListener;
import dev.parley.sdk.PositionStore;
import dev.parley.sdk.Session;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The interactive client: the screen model driven by a real connection and typed lines, and the
 * {@code chat} command itself on a terminal fed through a pipe.
 */
class ChatScreenTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    static LocalNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = LocalNode.start(dir);
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    /** Everything another user's SDK client receives. */
    static final class Inbox implements ParleyListener {
        final List<ChatMessage> messages = new CopyOnWriteArrayList<>();
        final List<Long> typing = new CopyOnWriteArrayList<>();

        @Override
        public void onTyping(long conversationId, long userId, boolean on) {
            if (on) {
                typing.add(userId);
            }
        }

        @Override
        public void onMessage(ChatMessage message) {
            messages.add(message);
        }

        boolean has(String body) {
            return messages.stream().anyMatch(m -> body.equals(m.body()));
        }
    }

    @Test
    void theScreenShowsTheListThenALiveConversationWithItsMarks() throws Exception {
        Session alice = node.newUser("alice");
        Session bob = node.newUser("bob");
        Inbox bobGets = new Inbox();
        try (ParleyClient b = ParleyClient.builder(node.base(), bob).listener(bobGets).autoDelivered(false).build()) {
            long cid = b.openDirect(alice.username()).conversationId();
            b.connect().get(20, TimeUnit.SECONDS);
            b.send(cid, "are you there?").get(20, TimeUnit.SECONDS);

            ChatScreen screen = new ChatScreen(alice, ZoneId.of("UTC"));
            PositionStore positions = PositionStore.inMemory();
            try (ParleyClient a = ParleyClient.builder(node.base(), alice).listener(screen).positions(positions)
                    .build()) {
                screen.attach(a);
                screen.load(positions);
                a.connect().get(20, TimeUnit.SECONDS);

                // The list: bob, online, one unread message.
                await().atMost(PATIENCE).until(() -> screen.text().contains(ChatScreen.ONLINE + " " + bob.username()));
                assertThat(screen.text()).contains("(1)").contains(bob.username() + ": are you there?");

                assertThat(screen.handle("/open " + bob.username())).isTrue();
                assertThat(screen.text()).contains("── " + bob.username() + " " + ChatScreen.ONLINE + " online ──")
                        .contains(bob.username() + ": are you there?").doesNotContain("(1)");

                screen.handle("yes, here");
                await().atMost(PATIENCE).until(() -> bobGets.has("yes, here"));
                await().atMost(PATIENCE).until(() -> screen.text().contains("you: yes, here  " + ChatScreen.SENT + "\n"));

                // Bob's device confirms delivery, then reading: the mark follows.
                b.markDelivered(cid, 2).get(20, TimeUnit.SECONDS);
                await().atMost(PATIENCE).until(() -> screen.text().contains("you: yes, here  " + ChatScreen.DELIVERED + "\n"));
                b.markRead(cid, 2).get(20, TimeUnit.SECONDS);
                await().atMost(PATIENCE).until(() -> screen.text().contains("you: yes, here  " + ChatScreen.READ));

                b.typing(cid, true);
                await().atMost(PATIENCE).until(() -> screen.text().contains(bob.username() + " is typing…"));
                b.send(cid, "good").get(20, TimeUnit.SECONDS);
                await().atMost(PATIENCE).until(() -> screen.text().contains(bob.username() + ": good")
                        && !screen.text().contains("is typing"));

                // Alice's typing reaches Bob's client through the same model.
                screen.keystroke();
                await().atMost(PATIENCE).until(() -> bobGets.typing.contains(alice.userId()));

                // A message in the open conversation is read at once.
                await().atMost(PATIENCE).until(() -> a.conversation(cid).member(alice.userId()).read() == 3);

                screen.handle("/group \"Night owls\" " + bob.username());
                await().atMost(PATIENCE).until(() -> bobGets.messages.stream()
                        .anyMatch(m -> m.kind() == EntryKind.CREATED && "Night owls".equals(m.title())));
                assertThat(screen.text()).contains("── Night owls · 2 members ──");

                screen.handle("/list");
                assertThat(screen.text()).contains("Night owls").contains(bob.username());
                screen.handle("/open nobody-by-this-name");
                assertThat(screen.text()).contains("! refused: not_found");
                screen.handle("hello?");
                assertThat(screen.text()).contains("open a conversation first");
                assertThat(screen.handle("/quit")).isFalse();
                assertThat(a.state()).isEqualTo(ConnectionState.LIVE);
            }
        }
    }

    @Test
    void theChatCommandRunsOnATerminal() throws Exception {
        Session bob = node.newUser("bob");
        String alice = LocalNode.uniqueName("alice");
        Path home = dir.resolve(alice);
        CliRun reg = CliRun.run(home, "register", alice, "--server", node.base().toString(), "--password", "pw-" + alice
                + "-long");
        assertThat(reg.exitCode()).as(reg.err()).isZero();

        Inbox bobGets = new Inbox();
        try (ParleyClient b = ParleyClient.builder(node.base(), bob).listener(bobGets).build()) {
            long cid = b.openDirect(alice).conversationId();
            b.connect().get(20, TimeUnit.SECONDS);

            PipedOutputStream keys = new PipedOutputStream();
            PipedInputStream in = new PipedInputStream(keys, 64 * 1024);
            ByteArrayOutputStream screen = new ByteArrayOutputStream();
            ChatCommand chat = new ChatCommand();
            chat.terminal = new DumbTerminal("test", "dumb", in, screen, StandardCharsets.UTF_8);
            CommandLine cmd = new CommandLine(new Root()).addSubcommand("chat", chat);
            CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.run(cmd, home, "chat"));

            type(keys, "/open " + bob.username());
            await().atMost(PATIENCE).until(() -> output(screen).contains("── " + bob.username()));
            type(keys, "hello from the terminal");
            await().atMost(PATIENCE).until(() -> bobGets.has("hello from the terminal"));
            b.send(cid, "welcome, terminal").get(20, TimeUnit.SECONDS);
            await().atMost(PATIENCE).until(() -> output(screen).contains(bob.username() + ": welcome, terminal"));
            type(keys, "/quit");

            CliRun done = run.get(20, TimeUnit.SECONDS);
            assertThat(done.exitCode()).as(done.err()).isZero();
            assertThat(output(screen)).contains("you: hello from the terminal");
        }
    }

    /** A {@code parley} with just the chat command instance under test. */
    @picocli.CommandLine.Command(name = "parley")
    static final class Root {
    }

    private static void type(PipedOutputStream keys, String line) throws Exception {
        keys.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    private static String output(ByteArrayOutputStream screen) {
        synchronized (screen) {
            return screen.toString(StandardCharsets.UTF_8);
        }
    }
}
