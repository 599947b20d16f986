package dev.parley.server.http;

import dev.parley.core.ChatException;
import dev.parley.core.account.AccountService;
import dev.parley.core.account.Caller;
import dev.parley.core.account.Scope;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.receipt.ReceiptService;
import dev.parley.protocol.ErrorCode;
import dev.parley.server.pull.PullWaiters;
import dev.parley.server.pull.WaitBudget;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What {@code POST /v1/sync} and {@code GET /v1/events} share before they read: the node must be
 * serving, the token must hold the read scope, the positions a device sends confirm delivery up
 * to them, and a request that waits takes its share of the per-user and per-address budget.
 */
final class PullAccess {
    final PullWaiters waiters;
    final Responder respond;
    private final AccountService accounts;
    private final ConversationStore conversations;
    private final ReceiptService receipts;
    private final WaitBudget budget;
    private final ClientAddress clients;
    private final BooleanSupplier serving;

    PullAccess(AccountService accounts, ConversationStore conversations, ReceiptService receipts, PullWaiters waiters,
               WaitBudget budget, ClientAddress clients, Responder respond, BooleanSupplier serving) {
        this.accounts = accounts;
        this.conversations = conversations;
        this.receipts = receipts;
        this.waiters = waiters;
        this.budget = budget;
        this.clients = clients;
        this.respond = respond;
        this.serving = serving;
    }

    /** Answers {@code unavailable} and returns false while the node is not serving (or cut off from its cluster). */
    boolean serving(RoutingContext ctx) {
        if (serving.getAsBoolean()) {
            return true;
        }
        respond.error(ctx, ErrorCode.UNAVAILABLE, "this node is not serving; retry, or ask another node");
        return false;
    }

    static String bearer(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    }

    /** The caller holding {@code token}, which must allow reading. Blocking. */
    Caller reader(String token) {
        if (token == null) {
            throw new ChatException(ChatException.Refusal.UNAUTHENTICATED, "missing bearer token");
        }
        Caller caller = accounts.authenticate(token);
        caller.require(Scope.READ);
        return caller;
    }

    /** The positions a device sends are what it holds: its user's delivered positions move up to them. Blocking. */
    void confirmDelivered(Caller caller, Map<Long, Long> positions) {
        List<CompletableFuture<?>> moves = new ArrayList<>();
        for (Map.Entry<ConversationId, Long> mine : conversations.deliveredPositions(caller.userId()).entrySet()) {
            Long held = positions.get(mine.getKey().value());
            if (held != null && held > mine.getValue()) {
                moves.add(receipts.delivered(caller, mine.getKey(), held));
            }
        }
        if (moves.isEmpty()) {
            return;
        }
        try {
            // Awaited so that this device's own receipt is published before its poll waits (it
            // would wake it for nothing). A failure (removed meanwhile) changes nothing for the page.
            CompletableFuture.allOf(moves.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One waiting request's share of the budget and its registration; released once, whichever
     * comes first: its answer, its failure, or its client going away.
     */
    final class Hold implements Runnable {
        private final Caller caller;
        private final String address;
        PullWaiters.Waiter waiter;
        private boolean released;

        private Hold(Caller caller, String address) {
            this.caller = caller;
            this.address = address;
        }

        /** Registers the waiter for its user's events; completes once they are routed to this node. */
        CompletableFuture<Void> register(PullWaiters.Waiter w) {
            waiter = w;
            return waiters.add(caller.userId(), w);
        }

        @Override
        public void run() {
            if (!released) {
                released = true;
                if (waiter != null) {
                    waiters.remove(caller.userId(), waiter);
                }
                budget.release(caller.userId(), address);
            }
        }
    }

    /** Takes a wait from the budget, or answers {@code rate_limited} and returns null. */
    Hold hold(RoutingContext ctx, Caller caller) {
        String address = clients.of(ctx);
        if (!budget.tryTake(caller.userId(), address)) {
            respond.error(ctx, ErrorCode.RATE_LIMITED, "too many waiting syncs and event streams for this user or from"
                    + " this address; wait for one to end", Duration.ofSeconds(1));
            return null;
        }
        return new Hold(caller, address);
    }
}
