package dev.parley.core.account;

/** Identifies a user account. */
public record UserId(long value) implements Comparable<UserId> {
    public UserId {
        if (value <= 0) {
            throw new IllegalArgumentException("user id must be positive");
        }
    }

    @Override
    public int compareTo(UserId o) {
        return Long.compare(value, o.value);
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
