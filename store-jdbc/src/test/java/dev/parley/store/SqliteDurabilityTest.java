package dev.parley.store;

import dev.parley.core.account.Account;
import dev.parley.core.account.Device;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.Conversation;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.conversation.Membership;
import dev.parley.core.conversation.Positions;
import dev.parley.core.conversation.Role;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.MembershipChange;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What a confirmed write promises: it is still there when the database is opened again. */
class SqliteDurabilityTest {
    private static final long TIMEOUT_SECONDS = 30;
    private static final long T0 = 1_767_225_600_000L;

    @TempDir
    Path tempDir;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void confirmedWritesAreThereAfterReopening(Durability durability) throws Exception {
        Path dir = tempDir.resolve(durability.wire());
        UserId alice = new UserId(101);
        UserId bob = new UserId(102);
        UserId carol = new UserId(103);
        Account aliceAccount = new Account(alice, "alice", "hash-a", false, Instant.ofEpochMilli(T0));
        Device phone = new Device(new DeviceId(201), alice, "phone", Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0));
        byte[] token = {1, 2, 3, 4, 5, 6, 7, 8};
        ConversationId direct = new ConversationId(301);
        ConversationId group = new ConversationId(302);
        List<Message> written = new ArrayList<>();
        Membership groupMembership;

        try (SqliteDatabase db = SqliteDatabase.open(dir, durability, 2, 256)) {
            JdbcAccountStore accounts = new JdbcAccountStore(db);
            JdbcConversationStore conversations = new JdbcConversationStore(db);
            JdbcMessageStore messages = new JdbcMessageStore(db);
            assertThat(accounts.createAccount(aliceAccount)).isPresent();
            assertThat(accounts.createAccount(new Account(bob, "bob", "hash-b", false, Instant.ofEpochMilli(T0))))
                    .isPresent();
            assertThat(accounts.createAccount(new Account(carol, "carol", "hash-c", false, Instant.ofEpochMilli(T0))))
                    .isPresent();
            accounts.createDevice(phone, token);
            assertThat(accounts.setDisabled(carol, true)).isTrue();
            conversations.openDirect(direct, alice, bob, T0);

            List<CompletableFuture<AppendResult>> appends = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                UserId sender = i % 2 == 0 ? alice : bob;
                appends.add(messages.append(AppendRequest.text(direct, sender, null, "c" + i, "message " + i, T0 + i)));
            }
            for (CompletableFuture<AppendResult> f : appends) {
                written.add(((AppendResult.Appended) await(f)).message());
            }
            await(messages.createGroup(group, alice, phone.id(), "Before", List.of(bob), T0));
            AppendResult renamed = await(messages.append(new AppendRequest(group, alice, phone.id(), null,
                    MessageKind.RENAMED, null, "After", null, null, new MembershipChange.Rename("After"), T0 + 1, -1)));
            assertThat(renamed).isInstanceOf(AppendResult.Appended.class);
            AppendResult added = await(messages.append(new AppendRequest(group, alice, phone.id(), null,
                    MessageKind.MEMBERS_ADDED, null, null, List.of(carol), Role.MEMBER,
                    new MembershipChange.Add(List.of(carol), Role.MEMBER, 10), T0 + 2, -1)));
            groupMembership = ((AppendResult.Appended) added).membership();
            assertThat(await(conversations.advancePositions(direct, bob, 90, 80)))
                    .contains(new Positions(direct, bob, 90, 80));
        }

        try (SqliteDatabase db = SqliteDatabase.open(dir, durability, 2, 256)) {
            JdbcAccountStore accounts = new JdbcAccountStore(db);
            JdbcConversationStore conversations = new JdbcConversationStore(db);
            JdbcMessageStore messages = new JdbcMessageStore(db);

            assertThat(accounts.findAccountByUsername("alice")).contains(aliceAccount);
            assertThat(accounts.findAccount(carol)).hasValueSatisfying(a -> assertThat(a.disabled()).isTrue());
            assertThat(accounts.findDeviceByTokenHash(token)).contains(phone);
            assertThat(conversations.find(direct)).hasValueSatisfying(c -> assertThat(c.lastSeq()).isEqualTo(100));
            assertThat(messages.range(direct, 0, Long.MAX_VALUE, 1_000)).containsExactlyElementsOf(written);
            assertThat(conversations.member(direct, bob)).contains(new MemberState(bob, Role.MEMBER, 0, 0, 90, 80));
            assertThat(conversations.find(group)).contains(new Conversation(group, ConversationKind.GROUP, "After",
                    T0, 3, T0 + 2));
            assertThat(conversations.membership(group)).contains(groupMembership);
            assertThat(groupMembership.roles()).isEqualTo(Map.of(alice, Role.OWNER, bob, Role.MEMBER,
                    carol, Role.MEMBER));
            assertThat(messages.range(group, 0, Long.MAX_VALUE, 10)).extracting(Message::kind)
                    .containsExactly(MessageKind.CREATED, MessageKind.RENAMED, MessageKind.MEMBERS_ADDED);

            AppendResult next = await(messages.append(AppendRequest.text(direct, alice, null, "c100", "after reopening",
                    T0 + 100)));
            assertThat(((AppendResult.Appended) next).message().seq()).isEqualTo(101);
            assertThat(await(messages.append(AppendRequest.text(direct, alice, null, "c0", "message 0", T0))))
                    .as("client ids survive too").isEqualTo(new AppendResult.Duplicate(written.getFirst()));
        }

        try (SqliteDatabase db = SqliteDatabase.open(dir, durability, 1, 16)) {
            assertThat(new JdbcMessageStore(db).range(direct, 0, Long.MAX_VALUE, 1_000)).hasSize(101);
        }
        assertThat(appliedMigrations(dir)).as("each migration was applied once").containsExactlyElementsOf(shippedMigrations());
    }

    @Test
    void aDatabaseOpensWithEitherDurability() throws Exception {
        Path dir = tempDir.resolve("switch");
        UserId alice = new UserId(1);
        try (SqliteDatabase db = SqliteDatabase.open(dir, Durability.FSYNC, 1, 16)) {
            new JdbcAccountStore(db).createAccount(new Account(alice, "alice", "h", false, Instant.ofEpochMilli(T0)));
        }
        try (SqliteDatabase db = SqliteDatabase.open(dir, Durability.OS, 1, 16)) {
            assertThat(new JdbcAccountStore(db).findAccount(alice)).isPresent();
            new JdbcAccountStore(db).createAccount(new Account(new UserId(2), "bob", "h", false, Instant.ofEpochMilli(T0)));
        }
        try (SqliteDatabase db = SqliteDatabase.open(dir, Durability.FSYNC, 1, 16)) {
            assertThat(new JdbcAccountStore(db).findAccounts(List.of(alice, new UserId(2)))).hasSize(2);
        }
        assertThat(appliedMigrations(dir)).containsExactlyElementsOf(shippedMigrations());
    }

    /**
     * A writer process is halted (no close, no shutdown hooks) while appends are still queued; every
     * append it saw confirmed is in the database afterwards, and the seqs stored are still dense.
     */
    @ParameterizedTest
    @EnumSource(Durability.class)
    void confirmedWritesSurviveAHaltedProcess(Durability durability) throws Exception {
        Path dir = tempDir.resolve("halted-" + durability.wire());
        Path errors = tempDir.resolve("halted-" + durability.wire() + ".err");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HaltingWriter.class.getName(),
                dir.toString(), durability.wire())
                .redirectError(errors.toFile())
                .start();
        // Should the writer hang, end it so that reading its output below ends too.
        CompletableFuture.delayedExecutor(2 * TIMEOUT_SECONDS, TimeUnit.SECONDS).execute(child::destroyForcibly);
        long confirmed = 0;
        boolean halting = false;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(HaltingWriter.CONFIRMED)) {
                    long seq = Long.parseLong(line.substring(HaltingWriter.CONFIRMED.length()));
                    assertThat(seq).as("confirmations in seq order").isEqualTo(confirmed + 1);
                    confirmed = seq;
                } else if (line.equals(HaltingWriter.HALTING)) {
                    halting = true;
                }
            }
        }
        assertThat(child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("writer process exited").isTrue();
        assertThat(child.exitValue()).as("writer exit code; its stderr:%n%s", Files.readString(errors))
                .isEqualTo(HaltingWriter.EXIT_CODE);
        assertThat(halting).isTrue();
        assertThat(confirmed).isEqualTo(HaltingWriter.CONFIRMED_APPENDS);

        try (SqliteDatabase db = SqliteDatabase.open(dir, durability, 1, 16)) {
            List<Message> stored = new JdbcMessageStore(db).range(HaltingWriter.CONVERSATION, 0, Long.MAX_VALUE,
                    100_000);
            assertThat(stored.size()).isGreaterThanOrEqualTo((int) confirmed);
            for (int i = 0; i < stored.size(); i++) {
                Message m = stored.get(i);
                assertThat(m.seq()).isEqualTo(i + 1L);
                assertThat(m.body()).isEqualTo(HaltingWriter.body(i));
            }
            assertThat(new JdbcConversationStore(db).find(HaltingWriter.CONVERSATION))
                    .hasValueSatisfying(c -> assertThat(c.lastSeq()).isEqualTo(stored.size()));
            // Search finds the newest entry whether or not the halted writer had indexed it, and
            // the reopened writer indexes whatever it had not.
            JdbcSearchStore search = new JdbcSearchStore(Shards.of(db));
            assertThat(search.search(new UserId(2), null, List.of("message"), null, 1))
                    .extracting(dev.parley.core.search.SearchHit::seq).containsExactly((long) stored.size());
            db.indexSearchNow();
            long indexed = db.read(s -> {
                try (ResultSet rs = s.connection().createStatement().executeQuery(
                        "SELECT count(*) FROM message_search_entries WHERE conversation_id = "
                                + HaltingWriter.CONVERSATION.value())) {
                    return rs.next() ? rs.getLong(1) : -1;
                }
            });
            assertThat(indexed).isEqualTo(stored.size());
            long mark = db.read(s -> SearchIndexer.markOf(s, HaltingWriter.CONVERSATION.value()));
            assertThat(mark).isEqualTo(stored.size());
            assertThat(search.search(new UserId(2), null, List.of("message"), null, 1))
                    .extracting(dev.parley.core.search.SearchHit::seq).containsExactly((long) stored.size());
        }
    }

    /** The versions of the SQLite migrations the build ships (src/main/resources), in order. */
    private static List<String> shippedMigrations() throws Exception {
        try (var files = Files.list(Path.of("src/main/resources/db/migration/sqlite"))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__")))
                    .sorted(java.util.Comparator.comparingInt(Integer::parseInt))
                    .toList();
        }
    }

    private static List<String> appliedMigrations(Path dir) throws Exception {
        List<String> versions = new ArrayList<>();
        Path file = dir.resolve(SqliteDatabase.FILE_NAME);
        assertThat(Files.exists(file)).isTrue();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, success FROM flyway_schema_history"
                     + " WHERE version IS NOT NULL ORDER BY installed_rank")) {
            while (rs.next()) {
                assertThat(rs.getBoolean(2)).as("migration %s succeeded", rs.getString(1)).isTrue();
                versions.add(rs.getString(1));
            }
        }
        return versions;
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
