package dev.parley.store;

import dev.parley.core.ChatException.Refusal;
import dev.parley.core.IdGenerator;
import dev.parley.core.account.Account;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.conversation.Positions;
import dev.parley.core.conversation.Role;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.MembershipChange;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes on two shards, each with one writer lane per shard, so every batch holds writes to
 * many conversations: appends, receipts and membership changes to overlapping conversations,
 * submitted in different orders by each node, all at once. Nothing may fail, deadlock or break a
 * history: every conversation's seqs stay dense and unique. (Without the key order of batches,
 * this workload deadlocks some thirty times, each costing PostgreSQL's one-second
 * {@code deadlock_timeout} before the retry.)
 */
class PostgresConcurrencyTest {
    private static final long T0 = 1_767_225_600_000L;
    private static List<String> urls;
    private static JdbcStores nodeA;
    private static JdbcStores nodeB;

    @BeforeAll
    static void open() throws Exception {
        String shard0 = PostgresTestSupport.freshDatabase("parley_test_stress0");
        String shard1 = PostgresTestSupport.freshDatabase("parley_test_stress1");
        if (shard0 != null && shard1 != null) {
            urls = List.of(shard0, shard1);
            nodeA = JdbcStores.open(PostgresTestSupport.settings(urls, 1, 64));
            nodeB = JdbcStores.open(PostgresTestSupport.settings(urls, 1, 64));
        }
    }

    @AfterAll
    static void close() {
        PostgresTestSupport.closeAll(nodeB, nodeA);
    }

    @Test
    void overlappingBatchesFromTwoNodesNeitherFailNorBreakTheHistories() throws Exception {
        PostgresTestSupport.assumeReachable();
        IdGenerator ids = new IdGenerator(Clock.fixed(Instant.ofEpochMilli(T0), java.time.ZoneOffset.UTC), 0);
        List<UserId> talkers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            talkers.add(user(ids, "talker" + i));
        }
        List<UserId> floaters = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            floaters.add(user(ids, "floater" + i));
        }
        List<ConversationId> groups = new ArrayList<>();
        List<ConversationId> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ConversationId g = new ConversationId(ids.next());
            nodeA.messages().createGroup(g, talkers.get(i), null, "g" + i, talkers, T0).join();
            groups.add(g);
            all.add(g);
            all.add(nodeA.conversations().openDirect(new ConversationId(ids.next()), talkers.get(i),
                    talkers.get((i + 1) % talkers.size()), T0).id());
        }
        Map<ConversationId, List<UserId>> membersOf = new HashMap<>();
        for (ConversationId c : all) {
            membersOf.put(c, List.copyOf(nodeA.conversations().membership(c).orElseThrow().members()));
        }

        int threadsPerNode = 3;
        int rounds = 25;
        ConcurrentLinkedQueue<CompletableFuture<AppendResult>> appends = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<CompletableFuture<AppendResult>> changes = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<CompletableFuture<Optional<Positions>>> receipts = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2 * threadsPerNode; t++) {
            int thread = t;
            JdbcStores node = t % 2 == 0 ? nodeA : nodeB;
            threads.add(Thread.ofPlatform().start(() -> {
                Random random = new Random(thread);
                List<ConversationId> order = new ArrayList<>(all);
                if (thread % 2 == 1) {
                    Collections.reverse(order);
                }
                Collections.rotate(order, thread);
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int round = 0; round < rounds; round++) {
                    for (ConversationId c : order) {
                        List<UserId> members = membersOf.get(c);
                        UserId sender = members.get(random.nextInt(members.size()));
                        appends.add(node.messages().append(AppendRequest.text(c, sender, null,
                                "t" + thread + "-" + round, "round " + round, T0 + round)));
                        UserId reader = members.get(random.nextInt(members.size()));
                        receipts.add(node.conversations().advancePositions(c, reader, 1 + random.nextInt(round + 2),
                                random.nextInt(round + 1)));
                    }
                    ConversationId g = groups.get(random.nextInt(groups.size()));
                    UserId floater = floaters.get(random.nextInt(floaters.size()));
                    UserId owner = talkers.get(groups.indexOf(g));
                    MembershipChange change = random.nextBoolean()
                            ? new MembershipChange.Add(List.of(floater), Role.MEMBER, 100)
                            : new MembershipChange.Remove(floater);
                    MessageKind kind = change instanceof MembershipChange.Add
                            ? MessageKind.MEMBERS_ADDED : MessageKind.MEMBER_REMOVED;
                    changes.add(node.messages().append(AppendRequest.change(g, owner, null, kind, change, T0 + round)));
                    // A floater's receipt takes its member row's lock, which the change also wants.
                    receipts.add(node.conversations().advancePositions(g, floater, 1, 1));
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }

        Map<ConversationId, Set<Long>> seqs = new HashMap<>();
        for (CompletableFuture<AppendResult> f : appends) {
            AppendResult r = f.get(60, TimeUnit.SECONDS);
            assertThat(r).as("a text append by a permanent member").isInstanceOf(AppendResult.Appended.class);
            record(seqs, ((AppendResult.Appended) r).message());
        }
        int appliedChanges = 0;
        for (CompletableFuture<AppendResult> f : changes) {
            AppendResult r = f.get(60, TimeUnit.SECONDS);
            if (r instanceof AppendResult.Appended a) {
                record(seqs, a.message());
                appliedChanges++;
            } else {
                assertThat(r).isInstanceOfSatisfying(AppendResult.Refused.class, refused ->
                        assertThat(refused.refusal()).isIn(Refusal.CONFLICT, Refusal.NOT_FOUND));
            }
        }
        for (CompletableFuture<Optional<Positions>> f : receipts) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertThat(appliedChanges).isPositive();

        for (ConversationId c : all) {
            long first = groups.contains(c) ? 2 : 1;
            long last = nodeB.conversations().find(c).orElseThrow().lastSeq();
            assertThat(seqs.get(c)).as("seqs confirmed for %s", c)
                    .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(first, last).boxed().toList());
            List<Message> history = nodeB.messages().range(c, 0, Long.MAX_VALUE, 10_000);
            assertThat(history).extracting(Message::seq)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
            for (MemberState m : nodeA.conversations().members(c)) {
                assertThat(m.readSeq()).isLessThanOrEqualTo(m.deliveredSeq()).isLessThanOrEqualTo(last);
            }
        }
        // Every write to a conversation locks its row first, and batches take conversations in key
        // order: the nodes wait for each other but never deadlock, so nothing had to run again.
        assertThat(nodeA.shards().retries() + nodeB.shards().retries()).as("batches run again after a deadlock")
                .isZero();
    }

    private static void record(Map<ConversationId, Set<Long>> seqs, Message m) {
        assertThat(seqs.computeIfAbsent(m.conversationId(), k -> new HashSet<>()).add(m.seq()))
                .as("seq %d of %s confirmed twice", m.seq(), m.conversationId()).isTrue();
    }

    private static UserId user(IdGenerator ids, String name) {
        Account a = new Account(new UserId(ids.next()), name, "h", false, Instant.ofEpochMilli(T0));
        assertThat(nodeA.accounts().createAccount(a)).contains(a);
        return a.id();
    }
}
