package dev.parley.core.message;

import dev.parley.core.account.UserId;

import java.util.List;

/** One emoji on an entry and who put it there, in the order they did. */
public record Reaction(String emoji, List<UserId> users) {
    public Reaction {
        users = List.copyOf(users);
    }
}
