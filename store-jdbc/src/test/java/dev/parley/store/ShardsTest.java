package dev.parley.store;

import dev.parley.core.IdGenerator;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which shard holds what: a fixed function of the key, spread evenly even over time-ordered ids. */
class ShardsTest {

    @Test
    void theShardFunctionIsPinned() {
        // Part of the storage format: changing it strands every row written before.
        assertThat(Shards.mix(1)).isEqualTo(6238072747940578789L);
        assertThat(Shards.mix(123456789012345L)).isEqualTo(-5177017035538041413L);
        assertThat(Shards.usernameKey("alice")).isEqualTo(5803779529149266183L);
        assertThat(Shards.usernameKey("")).isEqualTo(0xcbf29ce484222325L);
        Shards three = shards(3);
        assertThat(List.of(three.indexOf(1), three.indexOf(2), three.indexOf(3), three.indexOf(2097152)))
                .containsExactly(1, 0, 2, 0);
    }

    @Test
    void oneDatabaseHoldsEverything() {
        Shards one = shards(1);
        assertThat(one.forUser(new UserId(12345))).isSameAs(one.get(0));
        assertThat(one.forConversation(new ConversationId(99))).isSameAs(one.get(0));
        assertThat(one.forUsername("alice")).isSameAs(one.get(0));
    }

    /** A quiet system issues one id a second, each with counter 0: a plain remainder would put all on shard 0. */
    @Test
    void idsIssuedOneASecondSpreadEvenly() {
        for (int n = 2; n <= 5; n++) {
            Shards shards = shards(n);
            int[] counts = new int[n];
            for (int second = 0; second < 10_000; second++) {
                IdGenerator ids = new IdGenerator(Clock.fixed(Instant.ofEpochSecond(1_767_225_600L + second),
                        ZoneOffset.UTC), 0);
                counts[shards.indexOf(ids.next())]++;
            }
            for (int c : counts) {
                assertThat(c).as("of %d shards", n).isBetween(10_000 / n * 9 / 10, 10_000 / n * 11 / 10);
            }
        }
    }

    @Test
    void usernamesSpreadEvenly() {
        Shards shards = shards(2);
        int[] counts = new int[2];
        for (int i = 0; i < 10_000; i++) {
            counts[shards.indexOf(Shards.usernameKey("user" + i))]++;
        }
        assertThat(counts[0]).isBetween(4_500, 5_500);
    }

    @Test
    void shardsMustShareOneEngine() {
        assertThatThrownBy(() -> new Shards(List.of(new FakeDatabase(Dialect.SQLITE), new FakeDatabase(Dialect.POSTGRES))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Shards(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static Shards shards(int n) {
        List<Database> dbs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            dbs.add(new FakeDatabase(Dialect.POSTGRES));
        }
        return new Shards(dbs);
    }

    private record FakeDatabase(Dialect dialect) implements Database {
        @Override
        public <T> CompletableFuture<T> write(long key, SqlTask<T> task, Consumer<? super T> afterCommit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> T read(SqlTask<T> task) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<GroupCommitWriter> writers() {
            return List.of();
        }

        @Override
        public void close() {
        }
    }
}
