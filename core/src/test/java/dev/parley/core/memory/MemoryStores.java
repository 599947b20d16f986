package dev.parley.core.memory;

/**
 * The store ports on one in-memory database, for core tests: fast, not durable, and held to the
 * same contract tests as SQLite and PostgreSQL (testkit's {@code MemoryStoreContractTest}), so a
 * core test that passes on them says something about the real stores.
 */
public record MemoryStores(MemoryAccountStore accounts, MemoryConversationStore conversations,
                           MemoryMessageStore messages, MemoryData data) {

    public static MemoryStores open() {
        MemoryData data = new MemoryData();
        return new MemoryStores(new MemoryAccountStore(data), new MemoryConversationStore(data),
                new MemoryMessageStore(data), data);
    }
}
