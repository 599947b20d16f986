package dev.parley.core.push;

/**
 * A row of the outbox: the device must be told about {@code key.conversation()} up to
 * {@code seq}, not before {@code dueAt} (ms), after {@code attempts} earlier tries.
 */
public record PendingPush(PushKey key, long seq, long dueAt, int attempts) {
}
