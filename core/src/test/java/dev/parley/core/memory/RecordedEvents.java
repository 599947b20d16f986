package dev.parley.core.memory;

import dev.parley.core.account.UserId;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.delivery.EventPublisher;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** An {@link EventPublisher} that keeps what was published, and to whom, in publishing order. */
public final class RecordedEvents implements EventPublisher {
    /** One published event and its audience. */
    public record Published(ChatEvent event, Set<UserId> audience) {
    }

    private final List<Published> published = new ArrayList<>();

    @Override
    public synchronized void publish(ChatEvent event, Collection<UserId> audience) {
        published.add(new Published(event, Set.copyOf(audience)));
    }

    public synchronized List<Published> all() {
        return List.copyOf(published);
    }

    /** The published events of one type, in order. */
    public synchronized <T extends ChatEvent> List<T> of(Class<T> type) {
        return published.stream().map(Published::event).filter(type::isInstance).map(type::cast).toList();
    }

    /** Who the last event of this type went to. */
    public synchronized Set<UserId> audienceOfLast(Class<? extends ChatEvent> type) {
        return published.reversed().stream().filter(p -> type.isInstance(p.event())).findFirst()
                .map(Published::audience).orElseThrow();
    }

    public synchronized void clear() {
        published.clear();
    }
}
