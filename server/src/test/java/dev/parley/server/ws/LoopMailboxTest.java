package dev.parley.server.ws;

import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mailbox backlog is drained in slices: work queued on the loop behind the first slice runs
 * before the backlog is gone (in the node, the loop's socket reads), and items still arrive in the
 * order they were posted. Each item sleeps 1 ms, so the backlog lasts at least 200 ms whatever the
 * machine, well past one {@value LoopMailbox#SLICE_MICROS} µs slice.
 */
class LoopMailboxTest {
    private static final int ITEMS = 200;
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void aBacklogLetsTheLoopRunOtherWorkInOrder() throws Exception {
        ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
        LoopMailbox mailbox = new LoopMailbox(context);
        List<Integer> received = new ArrayList<>();
        CompletableFuture<Integer> otherWorkRanAfter = new CompletableFuture<>();
        CompletableFuture<Void> allReceived = new CompletableFuture<>();
        LoopMailbox.Recipient slowReader = new LoopMailbox.Recipient() {
            @Override
            public void receive(Object payload) {
                int n = (Integer) payload;
                if (n == 0) {
                    // Queued on the loop while the backlog is being drained, as a socket read is.
                    context.nettyEventLoop().execute(() -> otherWorkRanAfter.complete(received.size()));
                }
                received.add(n);
                sleepOneMilli();
                if (received.size() == ITEMS) {
                    allReceived.complete(null);
                }
            }

            @Override
            public long id() {
                return 1;
            }
        };
        context.runOnContext(v -> IntStream.range(0, ITEMS).forEach(n -> mailbox.post(slowReader, n)));

        allReceived.get(30, TimeUnit.SECONDS);
        int before = otherWorkRanAfter.get(30, TimeUnit.SECONDS);
        assertTrue(before < ITEMS, "the other work waited for the whole backlog (" + before + " items)");
        assertEquals(IntStream.range(0, ITEMS).boxed().toList(), received);
    }

    @Test
    void aFanOutItemEndsASliceInsideItAndGoesOnFromThereInOrder() throws Exception {
        ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
        LoopMailbox mailbox = new LoopMailbox(context);
        List<String> received = new ArrayList<>();
        CompletableFuture<Integer> otherWorkRanAfter = new CompletableFuture<>();
        CompletableFuture<Void> allReceived = new CompletableFuture<>();
        List<LoopMailbox.Recipient> members = IntStream.rangeClosed(0, ITEMS).<LoopMailbox.Recipient>mapToObj(id ->
                new LoopMailbox.Recipient() {
                    @Override
                    public void receive(Object payload) {
                        if (received.isEmpty()) {
                            context.nettyEventLoop().execute(() -> otherWorkRanAfter.complete(received.size()));
                        }
                        received.add(id + ":" + payload);
                        sleepOneMilli();
                        if (received.size() == ITEMS + 2) {
                            allReceived.complete(null);
                        }
                    }

                    @Override
                    public long id() {
                        return id;
                    }
                }).toList();
        context.runOnContext(v -> {
            mailbox.post(members.getFirst(), "before");
            mailbox.postToAll(members.subList(1, ITEMS + 1), "all");
            mailbox.post(members.getFirst(), "after");
        });

        allReceived.get(30, TimeUnit.SECONDS);
        int before = otherWorkRanAfter.get(30, TimeUnit.SECONDS);
        assertTrue(before < ITEMS, "the other work waited for the whole fan-out item (" + before + " deliveries)");
        List<String> expected = new ArrayList<>();
        expected.add("0:before");
        IntStream.rangeClosed(1, ITEMS).forEach(id -> expected.add(id + ":all"));
        expected.add("0:after");
        assertEquals(expected, received);
    }

    private static void sleepOneMilli() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
