package dev.parley.cli;

import dev.parley.sdk.ChatMessage;
import dev.parley.sdk.ConnectionState;
import dev.parley.sdk.EntryKind;
import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.ParleyListener;
import dev.parley.sdk.PositionStore;
import dev.parley.sdk.Receipt;
import dev.parley.sdk.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
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
        /** Every typing event, on and off, as "USER_ID on|off". */
        final List<String> typingEvents = new CopyOnWriteArrayList<>();
        final List<Receipt> receipts = new CopyOnWriteArrayList<>();

        @Override
        public void onTyping(long conversationId, long userId, boolean on) {
            typingEvents.add(userId + (on ? " on" : " off"));
            if (on) {
                typing.add(userId);
            }
        }

        @Override
        public void onReceipt(Receipt receipt) {
            receipts.add(receipt);
        }

        boolean delivered(long userId, long conversationId, long seq) {
            return receipts.stream().anyMatch(r -> r.userId() == userId && r.conversationId() == conversationId
                    && r.delivered() >= seq);
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
                screen.typed("o");
                await().atMost(PATIENCE).until(() -> bobGets.typing.contains(alice.userId()));

                // A message in the open conversation is read at once.
                await().atMost(PATIENCE).until(() -> a.conversation(cid).member(alice.userId()).read() == 3);

                java.nio.file.Path file = dir.resolve("route.txt");
                java.nio.file.Files.writeString(file, "left at the big boulder\n");
                screen.handle("/attach " + file + " the route");
                await().atMost(PATIENCE).until(() -> bobGets.messages.stream()
                        .anyMatch(m -> m.attachments().size() == 1 && m.body().equals("the route")));
                await().atMost(PATIENCE).until(() -> screen.text().contains("the route [file route.txt, 24 B"));

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
        TerminalSession terminal = TerminalSession.register(node, dir, alice);

        Inbox bobGets = new Inbox();
        try (ParleyClient b = ParleyClient.builder(node.base(), bob).listener(bobGets).build()) {
            long cid = b.openDirect(alice).conversationId();
            b.connect().get(20, TimeUnit.SECONDS);

            terminal.type("/open " + bob.username());
            await().atMost(PATIENCE).until(() -> terminal.output().contains("── " + bob.username()));
            terminal.type("hello from the terminal");
            await().atMost(PATIENCE).until(() -> bobGets.has("hello from the terminal"));
            b.send(cid, "welcome, terminal").get(20, TimeUnit.SECONDS);
            await().atMost(PATIENCE).until(() -> terminal.output().contains(bob.username() + ": welcome, terminal"));

            CliRun done = terminal.quit();
            assertThat(done.exitCode()).as(done.err()).isZero();
            assertThat(terminal.output()).contains("you: hello from the terminal");
        }
    }

    /** A chat screen for this user on a connected client; the test closes the client. */
    private static ParleyClient chat(Session user, ChatScreen screen) throws Exception {
        PositionStore positions = PositionStore.inMemory();
        ParleyClient client = ParleyClient.builder(node.base(), user).listener(screen).positions(positions).build();
        screen.attach(client);
        screen.load(positions);
        client.connect().get(20, TimeUnit.SECONDS);
        return client;
    }

    @Test
    void commandsTypedInAConversationAreNotAnnouncedAsTyping() throws Exception {
        Session alice = node.newUser("alice");
        Session bob = node.newUser("bob");
        Inbox bobGets = new Inbox();
        try (ParleyClient b = ParleyClient.builder(node.base(), bob).listener(bobGets).build()) {
            b.connect().get(20, TimeUnit.SECONDS);
            ChatScreen screen = new ChatScreen(alice, ZoneId.of("UTC"));
            try (ParleyClient a = chat(alice, screen)) {
                screen.handle("/open " + bob.username());
                for (String input : List.of("/", "/i", "/in", "/inf", "/info")) {
                    screen.typed(input);
                }
                screen.handle("/info");
                screen.typed("/");
                screen.handle("/help");
                // A message sent with no keystroke announced: bob gets it, and no typing before it.
                screen.handle("no typing before this");
                await().atMost(PATIENCE).until(() -> bobGets.has("no typing before this"));
                assertThat(bobGets.typingEvents).isEmpty();

                // A message being typed is announced; turning it into a command takes that back.
                screen.typed("h");
                await().atMost(PATIENCE).until(() -> bobGets.typingEvents.contains(alice.userId() + " on"));
                screen.typed("/");
                await().atMost(PATIENCE).until(() -> bobGets.typingEvents.contains(alice.userId() + " off"));
            }
        }
    }

    @Test
    void entriesWaitingAtStartAndAfterAReconnectAreAcknowledgedAsDelivered() throws Exception {
        Session alice = node.newUser("alice");
        Session bob = node.newUser("bob");
        Inbox bobGets = new Inbox();
        try (ParleyClient b = ParleyClient.builder(node.base(), bob).listener(bobGets).build()) {
            long cid = b.openDirect(alice.username()).conversationId();
            b.connect().get(20, TimeUnit.SECONDS);
            b.send(cid, "while you were away").get(20, TimeUnit.SECONDS);
            b.send(cid, "and this too").get(20, TimeUnit.SECONDS);

            ChatScreen screen = new ChatScreen(alice, ZoneId.of("UTC"));
            try (ParleyClient a = chat(alice, screen)) {
                // The chat started with two entries waiting: its device now holds them.
                await().atMost(PATIENCE).until(() -> bobGets.delivered(alice.userId(), cid, 2));
                assertThat(screen.text()).contains("(2)");

                a.dropConnection();
                b.send(cid, "across a reconnect").get(20, TimeUnit.SECONDS);
                await().atMost(PATIENCE).until(() -> bobGets.delivered(alice.userId(), cid, 3));
                assertThat(a.conversation(cid).member(alice.userId()).read()).isZero();
            }
        }
    }

    @Test
    void groupTicksWaitForEveryMemberAndInfoSaysWhoHasSeenAMessage() throws Exception {
        Session alice = node.newUser("alice");
        Session bob = node.newUser("bob");
        Session carol = node.newUser("carol");
        Session dave = node.newUser("dave");
        ChatScreen screen = new ChatScreen(alice, ZoneId.of("UTC"));
        try (ParleyClient a = chat(alice, screen);
             ParleyClient b = ParleyClient.builder(node.base(), bob).autoDelivered(false).build();
             ParleyClient c = ParleyClient.builder(node.base(), carol).autoDelivered(false).build()) {
            b.connect().get(20, TimeUnit.SECONDS);
            c.connect().get(20, TimeUnit.SECONDS);
            screen.handle("/group \"Tick test\" " + bob.username() + " " + carol.username());
            long gid = screen.openId();
            screen.handle("hello all");
            await().atMost(PATIENCE).until(() -> screen.text().contains("you: hello all  " + ChatScreen.SENT + "\n"));
            assertThat(info(screen)).endsWith("not yet delivered to " + bob.username() + ", " + carol.username());

            // One member's device has it: still one tick, and /info says who.
            b.markDelivered(gid, 2).get(20, TimeUnit.SECONDS);
            await().atMost(PATIENCE).until(() -> info(screen).endsWith("delivered to " + bob.username()
                    + " · not yet delivered to " + carol.username()));
            assertThat(screen.text()).contains("you: hello all  " + ChatScreen.SENT + "\n");

            c.markDelivered(gid, 2).get(20, TimeUnit.SECONDS);
            await().atMost(PATIENCE).until(() -> screen.text().contains("you: hello all  " + ChatScreen.DELIVERED + "\n"));
            b.markRead(gid, 2).get(20, TimeUnit.SECONDS);
            await().atMost(PATIENCE).until(() -> info(screen).endsWith("seen by " + bob.username() + " · delivered to "
                    + carol.username()));
            assertThat(screen.text()).contains("you: hello all  " + ChatScreen.DELIVERED + "\n");
            c.markRead(gid, 2).get(20, TimeUnit.SECONDS);
            await().atMost(PATIENCE).until(() -> screen.text().contains("you: hello all  " + ChatScreen.READ));
            assertThat(info(screen)).endsWith("seen by " + bob.username() + ", " + carol.username());

            // Someone added later never got it as a member: the ticks stay; the next message waits for them too.
            screen.handle("/add " + dave.username());
            await().atMost(PATIENCE).until(() -> screen.text().contains("── Tick test · 4 members ──"));
            assertThat(screen.text()).contains("you: hello all  " + ChatScreen.READ);
            screen.handle("and dave");
            await().atMost(PATIENCE).until(() -> screen.text().contains("you: and dave  " + ChatScreen.SENT));
            assertThat(info(screen)).endsWith("not yet delivered to " + bob.username() + ", " + carol.username() + ", "
                    + dave.username());
            screen.handle("/info 2");
            assertThat(screen.text()).contains("! \"hello all\"").contains("seen by " + bob.username() + ", "
                    + carol.username() + "\n");
        }
    }

    /** What {@code /info} says about the latest message. */
    private static String info(ChatScreen screen) {
        screen.handle("/info");
        return screen.text().lines().filter(l -> l.startsWith("! ")).findFirst().orElse("");
    }

    @Test
    void pageUpAndMoreReadEarlierHistory() throws Exception {
        Session alice = node.newUser("alice");
        Session bob = node.newUser("bob");
        try (ParleyClient b = ParleyClient.builder(node.base(), bob).build()) {
            long cid = b.openDirect(alice.username()).conversationId();
            b.connect().get(20, TimeUnit.SECONDS);
            sendNumbered(b, cid, "old", 80);

            ChatScreen screen = new ChatScreen(alice, ZoneId.of("UTC"));
            try (ParleyClient a = chat(alice, screen)) {
                screen.handle("/open " + bob.username());
                assertThat(String.join("\n", screen.render(24))).contains("old 080").doesNotContain("old 060");
                assertThat(screen.text()).contains("old 031").doesNotContain("old 030").contains("↑ earlier");

                // /more reads older history once the kept entries run out, until the first.
                for (int i = 0; i < 20 && !screen.text().contains("old 001"); i++) {
                    screen.handle("/more");
                }
                assertThat(screen.text()).contains("old 001").doesNotContain("↑ earlier");

                // PageUp on a small screen: earlier lines, then PageDown back to the newest.
                List<String> page = screen.render(24);
                for (int i = 0; i < 10 && !String.join("\n", page).contains("old 001"); i++) {
                    screen.pageUp();
                    page = screen.render(24);
                }
                assertThat(page).anyMatch(l -> l.contains("old 001")).noneMatch(l -> l.contains("old 080"))
                        .anyMatch(l -> l.contains("more below: PageDown"));
                for (int i = 0; i < 10 && !String.join("\n", page).contains("old 080"); i++) {
                    screen.pageDown();
                    page = screen.render(24);
                }
                assertThat(page).anyMatch(l -> l.contains("old 080")).noneMatch(l -> l.contains("more below"));
            }
        }
    }

    @Test
    void groupsAreCreatedAndManagedFromTheChat() throws Exception {
        Session alice = node.newUser("alice");
        Session bob = node.newUser("bob");
        Session carol = node.newUser("carol");
        Session dave = node.newUser("dave");
        ChatScreen screen = new ChatScreen(alice, ZoneId.of("UTC"));
        try (ParleyClient a = chat(alice, screen)) {
            screen.handle("/help");
            assertThat(screen.text()).contains("/group \"Night owls\" bob carol").contains("quote a title with spaces")
                    .contains("/add USER").contains("/remove USER").contains("/rename").contains("/role USER admin|member")
                    .contains("/leave").contains("/info").contains("/more");
            screen.handle("/add " + bob.username());
            assertThat(screen.text()).contains("! open a group first");

            screen.handle("/group \"Night owls\" " + bob.username() + " " + carol.username());
            assertThat(screen.text()).contains("── Night owls · 3 members ──");
            screen.handle("/add " + dave.username());
            assertThat(screen.text()).contains("! you added " + dave.username());
            await().atMost(PATIENCE).until(() -> screen.text().contains("── Night owls · 4 members ──")
                    && screen.text().contains("* you added " + dave.username()));
            screen.handle("/role " + bob.username() + " admin");
            assertThat(screen.text()).contains("! you made " + bob.username() + " admin");
            screen.handle("/members");
            assertThat(screen.text()).contains("! 4 members: you (owner), " + bob.username() + " (admin), "
                    + carol.username() + ", " + dave.username());
            screen.handle("/remove " + dave.username());
            await().atMost(PATIENCE).until(() -> screen.text().contains("── Night owls · 3 members ──"));
            screen.handle("/remove " + dave.username());
            assertThat(screen.text()).contains("! refused: not_found: not a member of this group: " + dave.username());
            screen.handle("/rename \"Early birds\"");
            await().atMost(PATIENCE).until(() -> screen.text().contains("── Early birds · 3 members ──"));

            screen.handle("/list");
            assertThat(screen.text()).contains("Early birds").doesNotContain("user:");
            screen.handle("/open Early birds");
            assertThat(screen.text()).contains("── Early birds");
            screen.handle("/leave");
            assertThat(screen.text()).contains("! you left Early birds").doesNotContain("── Early birds");
            assertThat(screen.openId()).isZero();
            assertThat(a.allConversations()).isEmpty();
            Thread.sleep(300); // the entry recording the leave may still arrive; it must not bring the group back
            assertThat(screen.text()).doesNotContain("Early birds ");

            screen.handle("/open " + bob.username());
            screen.handle("/add " + carol.username());
            assertThat(screen.text()).contains("! /add USER... works in a group; this is a direct conversation");
        }
    }

    @Test
    void theListNamesWhoChangedAGroupAndWhoWroteInIt() throws Exception {
        Session alice = node.newUser("alice");
        Session bob = node.newUser("bob");
        Session carol = node.newUser("carol");
        try (ParleyClient b = ParleyClient.builder(node.base(), bob).build();
             ParleyClient c = ParleyClient.builder(node.base(), carol).build()) {
            long gid = b.createGroup("Book club", List.of(alice.username(), carol.username())).conversationId();
            ChatScreen screen = new ChatScreen(alice, ZoneId.of("UTC"));
            try (ParleyClient a = chat(alice, screen)) {
                assertThat(screen.text()).contains("* " + bob.username() + " created \"Book club\" with " + bob.username()
                        + ", you, " + carol.username()).doesNotContain("user:");
                c.connect().get(20, TimeUnit.SECONDS);
                c.send(gid, "chapter one?").get(20, TimeUnit.SECONDS);
                await().atMost(PATIENCE).until(() -> screen.text().contains(carol.username() + ": chapter one?"));
                assertThat(screen.text()).doesNotContain("user:");
            }
        }
    }

    @Test
    void pageUpAndPageDownKeysScrollTheTerminal() throws Exception {
        Session bob = node.newUser("bob");
        String alice = LocalNode.uniqueName("alice");
        TerminalSession terminal = TerminalSession.register(node, dir, alice);
        try (ParleyClient b = ParleyClient.builder(node.base(), bob).build()) {
            long cid = b.openDirect(alice).conversationId();
            b.connect().get(20, TimeUnit.SECONDS);
            sendNumbered(b, cid, "line", 40);

            terminal.type("/open " + bob.username());
            await().atMost(PATIENCE).until(() -> terminal.output().contains("line 040"));
            assertThat(terminal.output()).doesNotContain("line 001");
            terminal.press("\033[5~"); // PageUp, as a VT220 sends it
            await().atMost(PATIENCE).until(() -> terminal.output().contains("more below: PageDown"));
            int before = terminal.output().length();
            terminal.press("\033[6~"); // PageDown
            await().atMost(PATIENCE).until(() -> terminal.output().length() > before
                    && !terminal.output().substring(before).contains("more below"));
            CliRun done = terminal.quit();
            assertThat(done.exitCode()).as(done.err()).isZero();
        }
    }

    /** Sends "PREFIX 001" to "PREFIX N" and waits until all are stored. */
    private static void sendNumbered(ParleyClient client, long conversationId, String prefix, int n) throws Exception {
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            sends.add(client.send(conversationId, String.format("%s %03d", prefix, i)));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    }

    @Test
    void repliesReactionsEditsAndDeletionsAreTypedAndShownInPlace() throws Exception {
        Session alice = node.newUser("alice");
        Session bob = node.newUser("bob");
        Inbox bobGets = new Inbox();
        try (ParleyClient b = ParleyClient.builder(node.base(), bob).listener(bobGets).build()) {
            long cid = b.openDirect(alice.username()).conversationId();
            b.connect().get(20, TimeUnit.SECONDS);
            long lunch = b.send(cid, "lunch today?").get(20, TimeUnit.SECONDS).seq();

            ChatScreen screen = new ChatScreen(alice, ZoneId.of("UTC"));
            PositionStore positions = PositionStore.inMemory();
            try (ParleyClient a = ParleyClient.builder(node.base(), alice).listener(screen).positions(positions)
                    .build()) {
                screen.attach(a);
                screen.load(positions);
                a.connect().get(20, TimeUnit.SECONDS);
                screen.handle("/open " + bob.username());
                await().atMost(PATIENCE).until(() -> screen.text().contains(bob.username() + ": lunch today?"));

                screen.handle("/reply 1 sure, where?");
                await().atMost(PATIENCE).until(() -> bobGets.messages.stream()
                        .anyMatch(m -> m.replyTo() == lunch && "sure, where?".equals(m.body())));
                await().atMost(PATIENCE).until(() -> screen.text()
                        .contains("you: \u21AA #" + lunch + " \"lunch today?\": sure, where?"));
                long reply = lunch + 1;

                b.react(cid, reply, "\uD83D\uDC4D", false).get(20, TimeUnit.SECONDS);
                await().atMost(PATIENCE).until(() -> screen.text().contains("sure, where?  [\uD83D\uDC4D 1]"));

                screen.handle("/edit 1 sure, at noon?");
                await().atMost(PATIENCE).until(() -> screen.text().contains("sure, at noon? (edited)  [\uD83D\uDC4D 1]"));
                await().atMost(PATIENCE).until(() -> bobGets.messages.stream()
                        .anyMatch(m -> m.kind() == EntryKind.EDITED && m.targetSeq() == reply));

                screen.handle("/react 2 \u2764\uFE0F");
                await().atMost(PATIENCE).until(() -> screen.text().contains("lunch today?  [\u2764\uFE0F 1]"));
                screen.handle("/react 2 \u2764\uFE0F");
                await().atMost(PATIENCE).until(() -> screen.text().contains("took \u2764\uFE0F off #" + lunch)
                        && !screen.text().contains("lunch today?  ["));

                screen.handle("/edit 2 not mine");
                await().atMost(PATIENCE).until(() -> screen.text().contains("! refused: forbidden"));

                screen.handle("/delete 1");
                await().atMost(PATIENCE).until(() -> screen.text().contains("you: [message deleted]"));
                assertThat(screen.text()).doesNotContain("sure, at noon?");
                await().atMost(PATIENCE).until(() -> bobGets.messages.stream()
                        .anyMatch(m -> m.kind() == EntryKind.DELETED && m.targetSeq() == reply));

                screen.handle("/react 9 x");
                assertThat(screen.text()).contains("no message 9 here");
            }
        }
    }

    @Test
    void anAtUsernameInAGroupMentionsThatMember() throws Exception {
        Session alice = node.newUser("alice");
        Session bob = node.newUser("bob");
        Inbox bobGets = new Inbox();
        try (ParleyClient b = ParleyClient.builder(node.base(), bob).listener(bobGets).build()) {
            b.connect().get(20, TimeUnit.SECONDS);
            ChatScreen screen = new ChatScreen(alice, ZoneId.of("UTC"));
            PositionStore positions = PositionStore.inMemory();
            try (ParleyClient a = ParleyClient.builder(node.base(), alice).listener(screen).positions(positions)
                    .build()) {
                screen.attach(a);
                screen.load(positions);
                a.connect().get(20, TimeUnit.SECONDS);
                screen.handle("/group \"Trip\" " + bob.username());
                await().atMost(PATIENCE).until(() -> screen.text().contains("── Trip · 2 members ──"));

                String text = "@" + bob.username() + " tickets? (not @nobody, nor mail@" + bob.username() + ")";
                screen.handle(text);
                await().atMost(PATIENCE).until(() -> bobGets.has(text));
                ChatMessage got = bobGets.messages.stream().filter(m -> text.equals(m.body())).findFirst().orElseThrow();
                assertThat(got.mentions()).containsExactly(
                        new ChatMessage.Mention(bob.userId(), 0, bob.username().length() + 1));
            }
        }
    }
}
