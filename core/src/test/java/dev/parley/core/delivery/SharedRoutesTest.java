package dev.parley.core.delivery;

import dev.parley.core.account.UserId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class SharedRoutesTest {

    /** Records what the cluster was told. */
    static final class Told implements NodeRoutes {
        final List<String> calls = new ArrayList<>();
        final CompletableFuture<Void> routed = new CompletableFuture<>();

        @Override
        public CompletableFuture<Void> arrived(UserId user) {
            calls.add("arrived " + user.value());
            return routed;
        }

        @Override
        public void left(UserId user) {
            calls.add("left " + user.value());
        }
    }

    @Test
    void theClusterHearsOnlyOfTheFirstArrivalAndTheLastDeparture() {
        Told told = new Told();
        SharedRoutes routes = new SharedRoutes(told);
        UserId alice = new UserId(1);
        CompletableFuture<Void> socket = routes.arrived(alice);
        CompletableFuture<Void> poll = routes.arrived(alice);
        assertThat(poll).isSameAs(socket).isSameAs(told.routed);
        routes.left(alice);
        assertThat(told.calls).containsExactly("arrived 1");
        routes.left(alice);
        routes.left(alice);
        assertThat(told.calls).containsExactly("arrived 1", "left 1");
        routes.arrived(alice);
        assertThat(told.calls).containsExactly("arrived 1", "left 1", "arrived 1");
    }
}
