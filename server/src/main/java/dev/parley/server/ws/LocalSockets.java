package dev.parley.server.ws;

/**
 * This node's side of its WebSockets, each part doing one thing: who is connected
 * ({@link LocalConnections}), how frames reach a connection's loop ({@link LoopMailboxes}), each
 * device's send allowance ({@link SendAllowances}), what a shutdown waits for
 * ({@link SocketActivity}), who watches whose presence ({@link PresenceWatchers}), and which
 * conversations the tail check looks at ({@link TailCheck}; null on a single node), and how many
 * devices may arrive at once ({@link Arrivals}).
 */
public record LocalSockets(LocalConnections connections, LoopMailboxes mailboxes, SendAllowances sendAllowances,
                           SocketActivity activity, PresenceWatchers watchers, TailCheck tail, Arrivals arrivals) {

    /** The conversation's entries reach a connection here: the tail check keeps an eye on it. */
    void touched(long conversationId) {
        if (tail != null) {
            tail.touched(conversationId);
        }
    }
}
