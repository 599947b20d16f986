package dev.parley.core.account;

/** Identifies one logged-in device (one login) of a user. */
public record DeviceId(long value) {
    public DeviceId {
        if (value <= 0) {
            throw new IllegalArgumentException("device id must be positive");
        }
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
