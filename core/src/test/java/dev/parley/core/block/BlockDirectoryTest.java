package dev.parley.core.block;

import dev.parley.core.account.Account;
import dev.parley.core.account.AccountStore;
import dev.parley.core.account.UserId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-node cache of blocks, on in-memory stand-ins for its two stores. */
class BlockDirectoryTest {
    private static final UserId ALICE = new UserId(1);
    private static final UserId BOB = new UserId(2);

    private final AtomicInteger loads = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Block> blocks = new ArrayList<>();

    @Test
    void aBurstOfLookupsForAnUncachedUserLoadsItOnce() throws Exception {
        ExecutorService loaders = Executors.newVirtualThreadPerTaskExecutor();
        BlockDirectory directory = new BlockDirectory(store(true), accounts(), loaders, 100);
        List<CompletableFuture<Reach>> waiting = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            waiting.add(directory.reach(ALICE));
        }
        release.countDown();
        for (CompletableFuture<Reach> f : waiting) {
            assertThat(f.get(10, TimeUnit.SECONDS).open(BOB)).isTrue();
        }
        assertThat(loads.get()).isEqualTo(1);
        assertThat(directory.reach(ALICE).isDone()).as("cached afterwards").isTrue();
        loaders.shutdown();
    }

    @Test
    void aChangeDropsBothUsersAndTheNextLookupSeesTheBlock() {
        release.countDown();
        BlockDirectory directory = new BlockDirectory(store(false), accounts(), Runnable::run, 100);
        assertThat(directory.reachNow(BOB).open(ALICE)).isTrue();
        blocks.add(new Block(ALICE, BOB, 5));
        assertThat(directory.reachNow(BOB).open(ALICE)).as("still cached").isTrue();

        directory.changed(ALICE, BOB);

        assertThat(directory.reachNow(BOB).blockers()).containsExactly(ALICE);
        assertThat(directory.reachNow(ALICE).blocked()).containsExactly(BOB);
    }

    private BlockStore store(boolean slow) {
        return new BlockStore() {
            public boolean block(UserId blocker, UserId blocked, long now) {
                throw new UnsupportedOperationException();
            }

            public boolean unblock(UserId blocker, UserId blocked) {
                throw new UnsupportedOperationException();
            }

            public List<Block> blocksBy(UserId blocker) {
                loads.incrementAndGet();
                if (slow) {
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return blocks.stream().filter(b -> b.blocker().equals(blocker)).toList();
            }

            public Set<UserId> blockersOf(UserId user) {
                return Set.copyOf(blocks.stream().filter(b -> b.blocked().equals(user)).map(Block::blocker).toList());
            }

            public void removeBlocksBy(UserId blocker) {
                throw new UnsupportedOperationException();
            }
        };
    }

    /** Every account exists and is not deleted; the directory asks nothing else (a proxy, so new methods of the port need no change here). */
    private static AccountStore accounts() {
        return (AccountStore) java.lang.reflect.Proxy.newProxyInstance(AccountStore.class.getClassLoader(),
                new Class<?>[]{AccountStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("findAccount")) {
                        UserId id = (UserId) args[0];
                        return Optional.of(new Account(id, "user" + id, "", false, Instant.EPOCH));
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
