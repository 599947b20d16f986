package dev.parley.core.block;

import dev.parley.core.account.UserId;

/** One user's block of another, since {@code createdAt} (ms). */
public record Block(UserId blocker, UserId blocked, long createdAt) {
}
