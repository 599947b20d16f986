package dev.parley.server.abuse;

import dev.parley.core.account.RegistrationMode;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.ServerConfig;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A storm of wrong-password logins (300 at a time, real Argon2id at the default cost) does not
 * hold up token authentication or messages: password hashing has its own bounded pool, and what
 * does not fit is refused at once with 503 {@code unavailable} and a {@code Retry-After}. The
 * login throttles are set out of reach here, so the pool alone is what is tested.
 *
 * <p>Before the pool, hashing ran on the virtual threads that also check tokens: every token
 * {@code auth} during such a storm timed out (4002 after 10 s). The bound here, 3 s per
 * {@code auth} and per {@code send}, is generous on purpose (the machine may be shared).
 */
class LoginStormTest {
    private static final int CONCURRENT_LOGINS = 300;
    private static final Duration STORM = Duration.ofSeconds(8);
    private static final Duration BOUND = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    @Test
    void tokenAuthAndSendsStayFastWhileWrongPasswordsFlood() throws Exception {
        try (TestNode node = TestNode.start(dir, c -> c.withPasswords(ServerConfig.Passwords.defaults())
                .withAccounts(new ServerConfig.Accounts(RegistrationMode.OPEN, 1_000_000, Duration.ofSeconds(1),
                        1_000_000, 1_000_000, Duration.ofSeconds(1), 1_000, 0, 64, List.of())))) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            long conversation = alice.directWith(bob);
            TestUser.Device bobsDevice = bob.login("phone");
            TestSocket aliceSocket = alice.login("laptop").connect();

            Map<Integer, AtomicInteger> answers = new ConcurrentHashMap<>();
            List<String> unexpected = new ArrayList<>();
            long stormEnds = System.nanoTime() + STORM.toNanos();
            // The storm lasts until the measuring rounds are done (at most STORM): no longer is needed.
            AtomicBoolean measured = new AtomicBoolean();
            ExecutorService attackers = Executors.newVirtualThreadPerTaskExecutor();
            for (int i = 0; i < CONCURRENT_LOGINS; i++) {
                attackers.execute(() -> {
                    Rest rest = node.rest();
                    while (!measured.get() && System.nanoTime() < stormEnds) {
                        Rest.Response r = rest.login(alice.username(), "not-her-password", null);
                        answers.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
                        boolean refusedAtOnce = r.status() == 503 && "unavailable".equals(r.errorCode())
                                && r.header("Retry-After") != null;
                        if (r.status() != 401 && !refusedAtOnce) {
                            synchronized (unexpected) {
                                unexpected.add(r.toString());
                            }
                        }
                    }
                });
            }

            List<Long> authMillis = new ArrayList<>();
            List<Long> sendMillis = new ArrayList<>();
            Thread.sleep(500);
            for (int round = 0; System.nanoTime() < stormEnds - TimeUnit.SECONDS.toNanos(1) && round < 10; round++) {
                long start = System.nanoTime();
                try (TestSocket s = node.socket()) {
                    ServerFrame.Ready ready = s.auth(bobsDevice.token());
                    assertThat(ready.deviceId()).isEqualTo(bobsDevice.deviceId());
                    authMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));

                    start = System.nanoTime();
                    aliceSocket.sendMessage(conversation, "storm-" + round, "still here " + round);
                    sendMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                }
            }
            measured.set(true);
            attackers.shutdown();
            System.out.printf("login storm: answers by status %s; token auth ms %s; send ms %s%n", answers, authMillis,
                    sendMillis);
            assertThat(attackers.awaitTermination(60, TimeUnit.SECONDS)).as("the storm's logins were all answered").isTrue();

            assertThat(authMillis).as("rounds measured during the storm").hasSizeGreaterThanOrEqualTo(3);
            assertThat(authMillis).as("token auth during the storm, ms").allSatisfy(ms -> assertThat(ms)
                    .isLessThan(BOUND.toMillis()));
            assertThat(sendMillis).as("send to sent during the storm, ms").allSatisfy(ms -> assertThat(ms)
                    .isLessThan(BOUND.toMillis()));
            assertThat(unexpected).as("answers other than 401 or an immediate 503 with Retry-After").isEmpty();
            assertThat(answers.get(503)).as("logins refused at once when the hashing pool was full: %s", answers)
                    .isNotNull();
            assertThat(node.rest().login(alice.username(), alice.password(), "after").status()).isEqualTo(201);
        }
    }
}
