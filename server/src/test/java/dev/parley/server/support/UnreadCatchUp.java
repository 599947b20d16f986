package dev.parley.server.support;

import dev.parley.protocol.ClientFrame;

import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.Map;

/**
 * A device that asks for a large catch-up and reads none of it: Alice's laptop sends Bob 400
 * messages of 15 KiB (6 MB), then Bob's phone, with a 4 KiB receive buffer, resumes their chat from
 * 0 and reads nothing until told: its window, the node's socket buffer and the connection's
 * outbound queue fill and stay full. The node needs a send allowance above 400 in a burst. Both
 * devices stay connected until this is closed.
 */
public record UnreadCatchUp(long chat, TestSocket laptop, RawWebSocket phone) implements AutoCloseable {
    /** Unread bytes at the phone that must be the catch-up's: more than a ready frame. */
    static final int BACKED_UP_BYTES = 2_048;

    public static UnreadCatchUp start(TestNode node) {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long chat = alice.directWith(bob);
        TestSocket laptop = alice.login("laptop").connect();
        laptop.sendMessages(chat, "m", 400, "x".repeat(15 * 1024));
        RawWebSocket phone = RawWebSocket.connect("127.0.0.1", node.port(), "/v1/ws", null, 4096, false);
        phone.send(new ClientFrame.Auth(null, bob.login("phone").token(), Map.of(chat, 0L)));
        return new UnreadCatchUp(chat, laptop, phone);
    }

    /**
     * Waits until the catch-up's frames reach the phone (more than its ready frame is waiting in
     * its socket): from then on the node holds the rest of a 15 KiB frame the phone has no room
     * for, and anything the node sends after it (a close) is stuck behind it.
     */
    public UnreadCatchUp awaitBackedUp() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> phone.unreadBytes() >= BACKED_UP_BYTES);
        return this;
    }

    @Override
    public void close() {
        phone.close();
        laptop.close();
    }
}
