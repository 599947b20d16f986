package dev.parley.server.ws;

import dev.parley.core.account.AccountService;
import dev.parley.core.message.MessageService;
import dev.parley.core.presence.PresenceTracker;
import dev.parley.core.receipt.ReceiptService;
import dev.parley.core.sync.CatchUpReader;
import dev.parley.core.typing.TypingTracker;

/**
 * The chat domain as a WebSocket uses it: the core services its frames call, and the core reads
 * that decide what a resume or a gap fill sends. The transport decides none of it.
 */
public record ChatServices(AccountService accounts, MessageService messages, ReceiptService receipts,
                           TypingTracker typing, PresenceTracker presence, CatchUpReader catchUp) {
}
