package dev.parley.loadgen;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GeneratorTransportTest {
    @Test
    void theOptionTakesTheThreeNamesAndNothingElse() {
        assertThat(GeneratorTransport.parse("IO_URING")).isEqualTo(GeneratorTransport.IO_URING);
        assertThat(GeneratorTransport.parse("epoll")).isEqualTo(GeneratorTransport.EPOLL);
        assertThat(GeneratorTransport.parse("nio")).isEqualTo(GeneratorTransport.NIO);
        assertThatThrownBy(() -> GeneratorTransport.parse("kqueue")).hasMessageContaining("io_uring, epoll or nio");
    }

    @Test
    void aTransportThisHostCannotRunGivesWayToTheNextThatCan() {
        for (GeneratorTransport wanted : GeneratorTransport.values()) {
            GeneratorTransport chosen = wanted.orNextAvailable();
            assertThat(chosen.ordinal()).as(wanted.wire).isGreaterThanOrEqualTo(wanted.ordinal());
            assertThat(chosen.vertx.available()).as(chosen.wire).isTrue();
            if (wanted.vertx.available()) {
                assertThat(chosen).isEqualTo(wanted);
            }
        }
    }
}
