package dev.parley.core.account;

import dev.parley.core.limit.Rate;

import java.time.Duration;

/**
 * What the public API allows in registrations and failed logins (docs/operations.md, "Limits
 * and abuse"). Addresses and account names are tracked in memory on each node, at most
 * {@code trackedKeys} of each kind.
 */
public record AccountLimits(RegistrationMode registration, Rate registrationsPerAddress,
                            Rate loginFailuresPerAccount, Rate loginFailuresPerAddress, int trackedKeys) {
    public AccountLimits {
        if (registration == null || registrationsPerAddress == null || loginFailuresPerAccount == null
                || loginFailuresPerAddress == null || trackedKeys < 1) {
            throw new IllegalArgumentException("every account limit must be set");
        }
    }

    public static AccountLimits defaults() {
        return new AccountLimits(RegistrationMode.OPEN, new Rate(10, Duration.ofHours(1)),
                new Rate(10, Duration.ofMinutes(15)), new Rate(100, Duration.ofMinutes(15)), 100_000);
    }
}
