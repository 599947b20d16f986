package dev.parley.sdk;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    @Test
    void doublesUpToTheMaximum() {
        assertThat(Backoff.delay(0, 200, 10_000)).isEqualTo(200);
        assertThat(Backoff.delay(1, 200, 10_000)).isEqualTo(400);
        assertThat(Backoff.delay(5, 200, 10_000)).isEqualTo(6400);
        assertThat(Backoff.delay(6, 200, 10_000)).isEqualTo(10_000);
        assertThat(Backoff.delay(60, 200, 10_000)).isEqualTo(10_000);
    }

    @Test
    void eachWaitIsBetweenHalfAndAllOfItsCeiling() {
        Backoff b = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));
        for (int n = 0; n < 40; n++) {
            long ceiling = Backoff.delay(n, 200, 10_000);
            assertThat(b.next()).isBetween(ceiling / 2, ceiling);
        }
        b.reset();
        assertThat(b.next()).isBetween(100L, 200L);
    }
}
