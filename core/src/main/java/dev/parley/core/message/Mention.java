package dev.parley.core.message;

import dev.parley.core.account.UserId;

/** A member a text message mentions: {@code length} UTF-16 characters of its text from {@code offset}. */
public record Mention(UserId userId, int offset, int length) {
}
