package dev.parley.core.message;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.Membership;

import java.util.concurrent.CompletableFuture;

/**
 * Whether a member may write into a direct conversation now: the other person may have blocked
 * them (or been blocked) or deleted their account. Completes normally to allow, exceptionally
 * with the refusal otherwise; must not block (it runs on the send path).
 */
@FunctionalInterface
public interface DirectGate {
    /**
     * The answer "allowed", one shared instance: a gate that decides at once returns it instead of
     * a new future per send. It is complete; never complete or obtrude it.
     */
    CompletableFuture<Void> ALLOWED = CompletableFuture.completedFuture(null);

    DirectGate OPEN = (sender, direct) -> ALLOWED;

    CompletableFuture<Void> check(UserId sender, Membership direct);
}
