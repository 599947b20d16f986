package dev.parley.server.support;

import dev.parley.protocol.ServerFrame;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two users of any node (in this JVM or another) chatting in their direct conversation, to show
 * the node keeps serving others while something else goes on.
 */
public final class ChatPair implements AutoCloseable {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final TestSocket alice;
    private final TestSocket bob;
    private final long conversation;
    private static final long ROUND_GAP_MS = 25;
    private int rounds;
    private long lastRoundNanos;

    private ChatPair(TestSocket alice, TestSocket bob, long conversation) {
        this.alice = alice;
        this.bob = bob;
        this.conversation = conversation;
    }

    /** Registers two users on the node at {@code http}, opens their conversation and connects both. */
    public static ChatPair open(Rest rest, URI ws) {
        String a = unique("alice"), b = unique("bob");
        String aliceToken = account(rest, a), bobToken = account(rest, b);
        Rest.Response direct = rest.openDirect(aliceToken, b);
        assertThat(direct.status()).as("open direct: %s", direct).isEqualTo(200);
        TestSocket alice = TestSocket.connect(ws), bob = TestSocket.connect(ws);
        alice.auth(aliceToken);
        bob.auth(bobToken);
        return new ChatPair(alice, bob, direct.getLong("conversationId"));
    }

    /** {@code prefix} plus a number no other user of this JVM has. */
    public static String unique(String prefix) {
        return prefix + "_" + NEXT.incrementAndGet();
    }

    /** Registers {@code name} and logs a device in; returns its token. */
    public static String account(Rest rest, String name) {
        Rest.Response r = rest.register(name, "pw-" + name + "-secret");
        assertThat(r.status()).as("register %s: %s", name, r).isEqualTo(201);
        Rest.Response login = rest.login(name, "pw-" + name + "-secret", "phone");
        assertThat(login.status()).as("login %s: %s", name, login).isEqualTo(201);
        return login.json().getString("token");
    }

    /**
     * Alice sends, bob receives, and back; fails if either does not arrive in time. Rounds are
     * paced (at most one per {@value #ROUND_GAP_MS} ms) to stay within the default send allowance.
     */
    public void roundTrip() {
        long wait = lastRoundNanos + ROUND_GAP_MS * 1_000_000 - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
        lastRoundNanos = System.nanoTime();
        int n = ++rounds;
        alice.sendMessage(conversation, "a-" + n, "ping " + n);
        bob.awaitFrame(ServerFrame.Message.class, m -> ("a-" + n).equals(m.clientId()));
        bob.sendMessage(conversation, "b-" + n, "pong " + n);
        alice.awaitFrame(ServerFrame.Message.class, m -> ("b-" + n).equals(m.clientId()));
    }

    public int rounds() {
        return rounds;
    }

    @Override
    public void close() {
        alice.close();
        bob.close();
    }
}
