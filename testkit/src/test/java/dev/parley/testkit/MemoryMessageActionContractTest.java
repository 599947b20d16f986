package dev.parley.testkit;

import dev.parley.core.memory.MemoryStores;

/** The in-memory stores the core tests use, held to the message-action contract of the real ones. */
class MemoryMessageActionContractTest extends MessageActionContract {
    private MemoryStores memory;

    @Override
    protected Stores openStores() {
        memory = MemoryStores.open();
        return new Stores(memory.accounts(), memory.conversations(), memory.messages(), () -> { });
    }

    @Override
    protected long storedReactions() {
        return memory.messages().reactionCount();
    }
}
