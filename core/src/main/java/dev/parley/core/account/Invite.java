package dev.parley.core.account;

import java.time.Instant;

/**
 * An invite to register: the SHA-256 of its code (the code itself is shown to the administrator
 * once and never stored), how many registrations it still allows, and until when.
 */
public record Invite(byte[] codeHash, int usesLeft, Instant expiresAt, Instant createdAt) {
    public Invite {
        if (codeHash == null || codeHash.length != 32) {
            throw new IllegalArgumentException("an invite is stored by the SHA-256 of its code");
        }
        if (usesLeft < 1) {
            throw new IllegalArgumentException("an invite allows at least one registration");
        }
    }

    /** A new invite and its code, which only the administrator gets to see. */
    public record Issued(String code, Invite invite) {
    }
}
