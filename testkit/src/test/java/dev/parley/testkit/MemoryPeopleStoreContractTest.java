package dev.parley.testkit;

import dev.parley.core.memory.MemoryPeopleStores;
import dev.parley.core.memory.MemoryStores;

/** The in-memory profile, block, request and report stores, held to the contract of the real ones. */
class MemoryPeopleStoreContractTest extends PeopleStoreContract {
    @Override
    protected PeopleStores openStores() {
        MemoryStores m = MemoryStores.open();
        MemoryPeopleStores people = MemoryPeopleStores.beside(m);
        return new PeopleStores(new Stores(m.accounts(), m.conversations(), m.messages(), () -> { }),
                people.profiles(), people.blocks(), people.requests(), people.reports());
    }
}
