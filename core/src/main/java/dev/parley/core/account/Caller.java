package dev.parley.core.account;

/** The authenticated device on whose behalf a request runs. */
public record Caller(UserId userId, DeviceId deviceId) {
}
