package dev.parley.testkit;

import dev.parley.core.account.AccountStore;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.message.MessageStore;

import java.util.Objects;

/**
 * The three store ports of one store instance, as a {@link StoreContract} subclass opens them,
 * with whatever must be closed afterwards (the database, a connection pool ...).
 */
public record Stores(AccountStore accountStore, ConversationStore conversationStore, MessageStore messageStore,
                     AutoCloseable resource) implements AutoCloseable {

    public Stores {
        Objects.requireNonNull(accountStore, "accountStore");
        Objects.requireNonNull(conversationStore, "conversationStore");
        Objects.requireNonNull(messageStore, "messageStore");
        Objects.requireNonNull(resource, "resource");
    }

    /** Closes the underlying resource (database, pool); the stores are unusable afterwards. */
    @Override
    public void close() throws Exception {
        resource.close();
    }
}
