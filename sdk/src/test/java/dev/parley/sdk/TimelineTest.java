package dev.parley.sdk;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TimelineTest {

    private static ChatMessage entry(long seq) {
        return ChatMessage.text(7, seq, 0, 1, 1, "c" + seq, "m" + seq);
    }

    private static List<Long> seqs(List<ChatMessage> entries) {
        return entries.stream().map(ChatMessage::seq).toList();
    }

    @Test
    void handsOutEntriesInOrderOnceEach() {
        Timeline t = new Timeline(7, 0);
        assertThat(seqs(t.offer(entry(1)))).containsExactly(1L);
        assertThat(t.offer(entry(1))).isEmpty();
        assertThat(t.offer(entry(3))).isEmpty();
        assertThat(t.offer(entry(4))).isEmpty();
        assertThat(t.offer(entry(3))).isEmpty();
        assertThat(t.hasGap()).isTrue();
        assertThat(t.gapEnd()).isEqualTo(2);
        assertThat(seqs(t.offer(entry(2)))).containsExactly(2L, 3L, 4L);
        assertThat(t.hasGap()).isFalse();
        assertThat(t.position()).isEqualTo(4);
    }

    @Test
    void startsFromAStoredPositionAndDropsWhatItHad() {
        Timeline t = new Timeline(7, 10);
        assertThat(t.offer(entry(9))).isEmpty();
        assertThat(t.offer(entry(10))).isEmpty();
        assertThat(seqs(t.offer(entry(11)))).containsExactly(11L);
    }

    @Test
    void skippingForwardReleasesWhatFollowsDirectly() {
        Timeline t = new Timeline(7, 0);
        t.offer(entry(5));
        t.offer(entry(6));
        t.offer(entry(9));
        assertThat(seqs(t.skipTo(4))).containsExactly(5L, 6L);
        assertThat(t.gapEnd()).isEqualTo(8);
        assertThat(t.skipTo(3)).isEmpty();
        assertThat(seqs(t.skipTo(8))).containsExactly(9L);
        assertThat(t.position()).isEqualTo(9);
    }
}
