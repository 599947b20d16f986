package dev.parley.core.push;

/**
 * Sends one notification through the platform push service its target belongs to.
 *
 * <p>Blocking: it returns once the service answered (or the attempt failed), so call it from a
 * virtual thread. It never throws for what the service or the network did; every such result is
 * a {@link PushOutcome}. Not idempotent: the dispatcher calls it at most once per claimed
 * notification, and never again for a (device, seq) it has recorded as pushed.
 */
public interface PushGateway {

    PushOutcome send(PushNotification notification);
}
