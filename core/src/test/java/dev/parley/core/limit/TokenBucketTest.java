package dev.parley.core.limit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void allowsTheBurstThenRefusesWithTheWaitUntilTheNextToken() {
        TokenBucket bucket = new TokenBucket(10, 3, 0);
        assertThat(bucket.tryTake(0)).isZero();
        assertThat(bucket.tryTake(0)).isZero();
        assertThat(bucket.tryTake(0)).isZero();
        long wait = bucket.tryTake(0);
        assertThat(wait).isEqualTo(SECOND / 10);
        assertThat(bucket.tryTake(wait)).isZero();
    }

    @Test
    void refillsAtTheRateButNeverBeyondTheBurst() {
        TokenBucket bucket = new TokenBucket(100, 5, 0);
        for (int i = 0; i < 5; i++) {
            bucket.tryTake(0);
        }
        long later = 10 * SECOND;
        int taken = 0;
        while (bucket.tryTake(later) == 0) {
            taken++;
        }
        assertThat(taken).isEqualTo(5);
    }
}
