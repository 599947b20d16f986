package dev.parley.server.ops;

import dev.parley.checker.ConsistencyChecker;
import dev.parley.checker.ConsistencyReport;
import dev.parley.checker.DeviceLog;
import dev.parley.checker.HistoryEntry;
import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.AdminToken;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import dev.parley.store.SqliteAdministration;
import dev.parley.store.SqliteDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The administration API behind {@code parley admin}: users, devices, stats, backup and restore, export. */
class AdministrationTest {
    @TempDir
    Path dir;

    private static String adminToken(Path dataDir) throws Exception {
        return Files.readString(dataDir.resolve(AdminToken.FILE)).strip();
    }

    @Test
    void everyAdminRouteNeedsTheAdminToken() throws Exception {
        try (TestNode node = TestNode.start(dir.resolve("d"))) {
            TestUser alice = node.newUser("alice");
            assertThat(node.adminRest().get("/admin/v1/stats", null).errorCode()).isEqualTo("unauthenticated");
            assertThat(node.adminRest().get("/admin/v1/stats", alice.restDevice().token()).status()).isEqualTo(401);
            assertThat(node.adminRest().get("/admin/v1/stats", adminToken(dir.resolve("d"))).status()).isEqualTo(200);
        }
    }

    @Test
    void aBackupToAPathThatCannotBeAFileIsRefusedAsInvalid() throws Exception {
        Path data = dir.resolve("d");
        try (TestNode node = TestNode.start(data)) {
            Rest.Response r = node.adminRest().post("/admin/v1/backup", adminToken(data),
                    new JsonObject().put("path", dir + "/bad\u0000name.db"));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_field");
        }
    }

    @Test
    void aDisabledUsersSocketsCloseAtOnceAndTheyCannotLogIn() throws Exception {
        Path data = dir.resolve("d");
        try (TestNode node = TestNode.start(data)) {
            String admin = adminToken(data);
            TestUser alice = node.newUser("alice");
            TestSocket phone = alice.login("phone").connect();
            TestSocket laptop = alice.login("laptop").connect();

            long start = System.nanoTime();
            Rest.Response r = node.adminRest().send("POST", "/admin/v1/users/" + alice.username() + "/disable", admin, null, null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(phone.awaitClose(Duration.ofSeconds(1)).code()).isEqualTo(4004);
            assertThat(laptop.awaitClose(Duration.ofSeconds(1)).code()).isEqualTo(4004);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));

            assertThat(node.rest().login(alice.username(), alice.password(), "again").errorCode())
                    .isEqualTo("account_disabled");
            assertThat(node.adminRest().send("POST", "/admin/v1/users/" + alice.username() + "/enable", admin, null, null).status())
                    .isEqualTo(200);
            assertThat(node.rest().login(alice.username(), alice.password(), "again").status()).isEqualTo(201);
        }
    }

    @Test
    void usersAreCreatedDeletedAndTheirDevicesListedAndRevoked() throws Exception {
        Path data = dir.resolve("d");
        try (TestNode node = TestNode.start(data)) {
            String admin = adminToken(data);
            Rest rest = node.rest();
            assertThat(node.adminRest().post("/admin/v1/users", admin, new JsonObject().put("username", "carol")
                    .put("password", "carol-secret-1")).status()).isEqualTo(201);
            Rest.Response login = rest.login("carol", "carol-secret-1", "tablet");
            String token = login.json().getString("token");
            long device = login.getLong("deviceId");
            TestSocket s = node.socket();
            s.auth(token);

            Rest.Response devices = node.adminRest().get("/admin/v1/users/carol/devices", admin);
            assertThat(devices.array("devices")).hasSize(1);
            assertThat(node.adminRest().delete("/admin/v1/users/carol/devices/" + device, admin).status()).isEqualTo(204);
            assertThat(s.awaitClose().code()).isEqualTo(4003);

            assertThat(node.adminRest().delete("/admin/v1/users/carol", admin).status()).isEqualTo(204);
            assertThat(rest.login("carol", "carol-secret-1", "x").errorCode()).isEqualTo("invalid_credentials");
            assertThat(node.adminRest().post("/admin/v1/users", admin, new JsonObject().put("username", "carol")
                    .put("password", "new-carol-secret")).status()).as("the username is free again").isEqualTo(201);

            JsonObject stats = node.adminRest().get("/admin/v1/stats", admin).json();
            assertThat(stats.getInteger("connections")).isZero();
            assertThat(stats.getJsonObject("stored").getLong("users")).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void aUsersExportHoldsTheirAccountConversationsAndMessages() throws Exception {
        Path data = dir.resolve("d");
        try (TestNode node = TestNode.start(data)) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            long c = alice.directWith(bob);
            TestSocket a = alice.login("a").connect();
            a.sendMessage(c, "e1", "exported words");
            JsonObject export = node.adminRest().get("/admin/v1/users/" + alice.username() + "/export", adminToken(data))
                    .json();
            assertThat(export.getJsonObject("account").getString("username")).isEqualTo(alice.username());
            assertThat(export.getJsonArray("conversations")).hasSize(1);
            assertThat(export.getJsonArray("messages")).extracting(o -> ((JsonObject) o).getString("body"))
                    .containsExactly("exported words");
            assertThat(export.getJsonArray("devices")).isNotEmpty();
        }
    }

    /** Every conversation's whole history as the user can page it over REST. */
    private static Map<Long, List<HistoryEntry>> histories(Rest rest, String username, String password) {
        String token = rest.login(username, password, "reader").json().getString("token");
        Map<Long, List<HistoryEntry>> out = new HashMap<>();
        for (Object o : rest.get("/v1/conversations", token).array("conversations")) {
            long c = ((JsonObject) o).getLong("conversationId");
            List<HistoryEntry> entries = new ArrayList<>();
            long after = 0;
            while (true) {
                Rest.Response page = rest.history(token, c, "limit=200&after=" + after);
                for (Object m : page.array("messages")) {
                    JsonObject j = (JsonObject) m;
                    entries.add(new HistoryEntry(c, j.getLong("seq"), j.getLong("senderId"), j.getString("clientId"),
                            j.getString("kind"), j.getString("body")));
                    after = j.getLong("seq");
                }
                if (!page.json().getBoolean("hasMore")) {
                    break;
                }
            }
            out.put(c, entries);
        }
        return out;
    }

    /**
     * A backup taken while two users keep sending restores to a database whose histories pass
     * the consistency checker: dense seqs, no client id twice, and every message confirmed before
     * the backup began is in it.
     */
    @Test
    void aBackupTakenDuringWritesRestoresToAConsistentDatabase() throws Exception {
        Path data = dir.resolve("live");
        Path backup = dir.resolve("backups/parley.db");
        Map<Long, List<HistoryEntry>> restored;
        List<DeviceLog> logs = new ArrayList<>();
        String[] credentials;
        try (TestNode node = TestNode.start(data, cfg -> cfg.withLimits(cfg.limits().withSendRate(10_000, 10_000)))) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            credentials = new String[]{alice.username(), alice.password()};
            long c = alice.directWith(bob);
            List<TestSocket> sockets = List.of(alice.login("a").connect(), bob.login("b").connect());
            List<Long> users = List.of(alice.userId(), bob.userId());
            AtomicBoolean stop = new AtomicBoolean();
            List<CompletableFuture<DeviceLog>> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int who = w;
                writers.add(CompletableFuture.supplyAsync(() -> {
                    DeviceLog log = new DeviceLog("writer" + who, users.get(who));
                    TestSocket s = sockets.get(who);
                    for (int i = 0; !stop.get() && i < 5_000; i++) {
                        String id = "w" + who + "-" + i;
                        log.attempted(c, id, "body " + id);
                        log.confirmed(id, s.sendMessage(c, id, "body " + id).seq());
                    }
                    return log;
                }));
            }
            // Let some history build up, then back up while the writers go on.
            sockets.get(0).awaitFrame(ServerFrame.Message.class, m -> m.seq() >= 200, Duration.ofSeconds(30));
            Rest.Response b = node.adminRest().post("/admin/v1/backup", adminToken(data),
                    new JsonObject().put("path", backup.toString()));
            assertThat(b.status()).as("%s", b).isEqualTo(200);
            sockets.get(0).awaitFrame(ServerFrame.Message.class, m -> m.seq() >= 400, Duration.ofSeconds(30));
            stop.set(true);
            for (CompletableFuture<DeviceLog> f : writers) {
                logs.add(f.get());
            }
        }
        assertThat(SqliteAdministration.verifyBackup(backup)).isPositive();

        // Restore: the backup becomes the data of a new node.
        Path restoredDir = dir.resolve("restored");
        Files.createDirectories(restoredDir);
        Files.copy(backup, restoredDir.resolve(SqliteDatabase.FILE_NAME));
        try (TestNode node = TestNode.start(restoredDir)) {
            restored = histories(node.rest(), credentials[0], credentials[1]);
        }
        long conversation = restored.keySet().iterator().next();
        long backedUpTo = restored.get(conversation).getLast().seq();
        assertThat(backedUpTo).as("the backup holds the history as of its start").isBetween(200L, 10_000L);

        // Only what was confirmed up to the backup's last seq is expected in it.
        List<DeviceLog> upToBackup = new ArrayList<>();
        for (DeviceLog log : logs) {
            DeviceLog cut = new DeviceLog(log.name(), log.userId());
            for (DeviceLog.Attempt at : log.attempts()) {
                if (at.confirmedSeq() != null && at.confirmedSeq() <= backedUpTo) {
                    cut.attempted(at.conversationId(), at.clientId(), at.body());
                    cut.confirmed(at.clientId(), at.confirmedSeq());
                }
            }
            upToBackup.add(cut);
        }
        ConsistencyReport report = new ConsistencyChecker().check(upToBackup, restored, new HashMap<>());
        assertThat(report.consistent()).as(report.summary()).isTrue();
        assertThat(report.confirmed()).isEqualTo(backedUpTo);
    }
}
