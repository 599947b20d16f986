package dev.parley.testkit;

import dev.parley.core.memory.MemoryStores;

/** The in-memory stores the core tests use, held to the contract of the real ones. */
class MemoryStoreContractTest extends StoreContract {
    @Override
    protected Stores openStores() {
        MemoryStores m = MemoryStores.open();
        return new Stores(m.accounts(), m.conversations(), m.messages(), () -> { });
    }
}
