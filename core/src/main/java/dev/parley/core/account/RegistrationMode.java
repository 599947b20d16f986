package dev.parley.core.account;

import java.util.Locale;

/** Who may create an account through the public API (an administrator always may). */
public enum RegistrationMode {
    /** Anyone, within the per-address allowance. */
    OPEN,
    /** Nobody: accounts are made by an administrator. */
    CLOSED,
    /** Whoever holds a valid invite code from an administrator. */
    INVITE;

    public static RegistrationMode parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "open" -> OPEN;
            case "closed" -> CLOSED;
            case "invite", "invite-only" -> INVITE;
            default -> throw new IllegalArgumentException("must be 'open', 'closed' or 'invite', not '" + s + "'");
        };
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
