package dev.parley.server.ws;

import dev.parley.core.account.AccountService;
import dev.parley.core.block.BlockDirectory;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.MembershipDirectory;
import dev.parley.core.message.MessageService;
import dev.parley.core.message.MessageStore;
import dev.parley.core.presence.PresenceTracker;
import dev.parley.core.receipt.ReceiptService;
import dev.parley.core.typing.TypingTracker;
import dev.parley.server.ServerConfig;
import dev.parley.server.metrics.NodeMetrics;
import io.vertx.core.Vertx;

/** What a WebSocket connection needs from the node. */
public record SocketServices(Vertx vertx, ServerConfig config, AccountService accounts, MessageService messages,
                             ReceiptService receipts, MessageStore messageStore, ConversationStore conversationStore,
                             MembershipDirectory memberships, LocalConnections connections, TypingTracker typing,
                             PresenceTracker presence, PresenceWatchers watchers, NodeMetrics metrics,
                             TailCheck tail, BlockDirectory blocks) {

    /** Without blocks (every member sees every other's receipts). */
    public SocketServices(Vertx vertx, ServerConfig config, AccountService accounts, MessageService messages,
                          ReceiptService receipts, MessageStore messageStore, ConversationStore conversationStore,
                          MembershipDirectory memberships, LocalConnections connections, TypingTracker typing,
                          PresenceTracker presence, PresenceWatchers watchers, NodeMetrics metrics, TailCheck tail) {
        this(vertx, config, accounts, messages, receipts, messageStore, conversationStore, memberships, connections, typing,
                presence, watchers, metrics, tail, null);
    }
}
