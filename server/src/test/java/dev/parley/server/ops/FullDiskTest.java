package dev.parley.server.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Rest;
import dev.parley.server.support.SmallFileSystem;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import dev.parley.store.Durability;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node whose data directory is on a full file system: sends fail with {@code unavailable},
 * readiness says why, the log gets a few lines rather than one per failure, and once space is
 * freed the node recovers by itself within seconds, with nothing confirmed lost.
 *
 * <p>The full file system is a small tmpfs this test mounts, which needs root (CI runs as root)
 * and permission to mount (not inside every container). Where {@code mount} is refused the test is
 * skipped, and says so, rather than faking a full disk.
 */
class FullDiskTest {
    private static final String TMPFS_SIZE = "8m";
    private static final Duration RECOVERY = Duration.ofSeconds(15);
    private static final int FAILING_SENDS = 150;
    private static Path mountPoint;

    @BeforeAll
    static void mountSmallFileSystem() throws Exception {
        mountPoint = SmallFileSystem.mount(TMPFS_SIZE, "FullDiskTest");
    }

    @AfterAll
    static void unmount() throws Exception {
        SmallFileSystem.unmount(mountPoint);
    }

    @Test
    void sendsFailWhileTheDiskIsFullAndSucceedAgainByThemselvesOnceSpaceIsFreed() throws Exception {
        Path filler = mountPoint.resolve("filler");
        ListAppender<ILoggingEvent> captured = captureLogs();
        try (TestNode node = TestNode.start(mountPoint.resolve("data"), c -> c.withDurability(Durability.FSYNC)
                .withLimits(c.limits().withSendRate(10_000, 10_000)))) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            long c = alice.directWith(bob);
            TestSocket a = alice.login("phone").connect();
            List<String> confirmed = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                a.sendMessage(c, "before-" + i, "before " + i);
                confirmed.add("before-" + i);
            }
            assertThat(readiness(node).status()).isEqualTo(200);

            fill(filler);
            int logLinesBefore = warnings(captured).size();
            List<String> failed = new ArrayList<>();
            for (int i = 0; i < 2 * FAILING_SENDS && failed.size() < FAILING_SENDS; i++) {
                String id = "full-" + i;
                String outcome = trySend(a, c, id);
                if (outcome.equals("sent")) {
                    confirmed.add(id);
                } else {
                    assertThat(outcome).as("a send on a full disk").isEqualTo("unavailable");
                    failed.add(id);
                }
            }
            assertThat(failed).as("sends refused while the disk is full").hasSize(FAILING_SENDS);
            Rest.Response unready = readiness(node);
            assertThat(unready.status()).as("readiness on a full disk: %s", unready).isEqualTo(503);
            assertThat(unready.json().getString("reason")).contains("storage failing").contains("SQLITE_FULL");
            assertThat(node.rest().get("/metrics", null).body()).contains("parley_store_writers_failing 1.0");
            List<String> failureLines = warnings(captured).subList(logLinesBefore, warnings(captured).size());
            assertThat(failureLines).as("log lines for %d failed sends", FAILING_SENDS).hasSizeLessThanOrEqualTo(12);

            Files.delete(filler);
            // No send meanwhile: the node finds out by itself (a balancer would send it nobody).
            long deadline = System.nanoTime() + RECOVERY.toNanos();
            while (readiness(node).status() != 200 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(readiness(node).status()).as("ready again within %s of freeing space", RECOVERY).isEqualTo(200);
            assertThat(node.rest().get("/metrics", null).body()).contains("parley_store_writers_failing 0.0");
            assertThat(trySend(a, c, "after-0")).isEqualTo("sent");
            confirmed.add("after-0");
            // A client retries what failed, under the same client id: it is confirmed now.
            assertThat(trySend(a, c, failed.getFirst())).isEqualTo("sent");
            confirmed.add(failed.getFirst());

            assertHistoryHolds(bob.login("tablet"), c, confirmed);
            node.restart();
            assertHistoryHolds(bob.login("laptop"), c, confirmed);
        } finally {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(captured);
            Files.deleteIfExists(filler);
        }
    }

    /** Writes a file until the file system has no space left. */
    private static void fill(Path filler) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int i = 0; i < 10_000; i++) {
                out.write(block);
            }
            throw new AssertionError("the file system never filled up");
        } catch (IOException e) {
            assertThat(e.getMessage()).contains("No space left");
        }
    }

    /** Sends one message; returns "sent" or the error code it got. */
    private static String trySend(TestSocket socket, long conversation, String clientId) {
        socket.send(new ClientFrame.Send("r-" + clientId, clientId, conversation, "body of " + clientId));
        ServerFrame answer = socket.awaitFrame(ServerFrame.class,
                f -> f instanceof ServerFrame.Sent s && s.clientId().equals(clientId)
                        || f instanceof ServerFrame.Error e && ("r-" + clientId).equals(e.rid()));
        return answer instanceof ServerFrame.Error e ? e.code() : "sent";
    }

    private static Rest.Response readiness(TestNode node) {
        return node.rest().get("/health/ready", null);
    }

    private static void assertHistoryHolds(TestUser.Device reader, long conversation, List<String> confirmed) {
        JsonArray messages = reader.history(conversation, "limit=200").array("messages");
        Set<String> clientIds = new HashSet<>();
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonObject m = messages.getJsonObject(i);
            clientIds.add(m.getString("clientId"));
            seqs.add(m.getLong("seq"));
        }
        assertThat(clientIds).as("every confirmed send is in the history").containsAll(confirmed);
        assertThat(seqs).as("seqs dense from 1").containsExactlyInAnyOrderElementsOf(
                java.util.stream.LongStream.rangeClosed(1, seqs.size()).boxed().toList());
    }

    private static ListAppender<ILoggingEvent> captureLogs() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(ctx);
        captured.start();
        ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(captured);
        return captured;
    }

    private static List<String> warnings(ListAppender<ILoggingEvent> captured) {
        synchronized (captured.list) {
            return captured.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(e -> e.getLoggerName() + " " + e.getFormattedMessage()).toList();
        }
    }
}
