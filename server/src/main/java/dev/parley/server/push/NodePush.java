package dev.parley.server.push;

import dev.parley.core.account.AccountStore;
import dev.parley.core.block.BlockDirectory;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.MembershipDirectory;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.delivery.EventPublisher;
import dev.parley.core.message.MessageStore;
import dev.parley.core.push.DeviceLiveness;
import dev.parley.core.push.PushDispatcher;
import dev.parley.core.push.PushPolicy;
import dev.parley.core.push.PushService;
import dev.parley.core.push.PushStore;
import dev.parley.core.push.RememberedPushTargets;
import dev.parley.pushgateway.PushGateways;
import dev.parley.server.ServerConfig;
import dev.parley.store.JdbcPushStore;
import dev.parley.store.Shards;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Push on one node: the store, the gateways, the dispatcher and the devices' service, built from
 * the {@code push} section. The node hands every committed entry to it through
 * {@link #tap(EventPublisher)}, a publisher that forwards to the real one and then queues push work
 * without blocking (it runs on the store's writer thread).
 */
public final class NodePush implements AutoCloseable {
    private final RememberedPushTargets store;
    private final PushDispatcher dispatcher;
    private final PushService service;
    private final String vapidPublicKey;

    private NodePush(RememberedPushTargets store, PushDispatcher dispatcher, PushService service, String vapidPublicKey) {
        this.store = store;
        this.dispatcher = dispatcher;
        this.service = service;
        this.vapidPublicKey = vapidPublicKey;
    }

    /** Builds push for the node, or returns null when {@code push.enabled} is false. Not started yet. */
    public static NodePush create(ServerConfig config, Shards shards, DeviceLiveness liveness, MessageStore messages,
                                  ConversationStore conversations, AccountStore accounts,
                                  MembershipDirectory memberships, BlockDirectory blocks, MeterRegistry registry,
                                  Clock clock) {
        ServerConfig.Push p = config.push();
        if (!p.enabled()) {
            return null;
        }
        PushGateways gateways = PushGateways.create(new PushGateways.Settings(p.vapidKeyFile(config.dataDir()),
                p.vapidSubject(), read(p.fcmServiceAccountFile(), "push.fcmServiceAccountFile"), p.fcmProjectId(),
                URI.create(p.fcmBaseUrl()), read(p.apnsKeyFile(), "push.apnsKeyFile"), p.apnsKeyId(), p.apnsTeamId(),
                p.apnsTopic(), URI.create(p.apnsBaseUrl()), p.webhookSecret(), p.allowLoopbackTargets(),
                p.trustCertificates(), p.requestTimeout()), clock);
        // The intake decides whom to push for every committed entry: targets and mutes come from
        // memory after the first read, not two queries per entry.
        RememberedPushTargets store = new RememberedPushTargets(new JdbcPushStore(shards), 100_000);
        Map<PushDispatcher.Event, Counter> counters = new EnumMap<>(PushDispatcher.Event.class);
        for (PushDispatcher.Event e : PushDispatcher.Event.values()) {
            counters.put(e, Counter.builder("parley.push")
                    .description("Push notifications by outcome: delivered, retried (a retry was scheduled), gone (target"
                            + " removed), failed (given up), dropped (intake full), skipped (no longer needed)")
                    .tag("outcome", e.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
        }
        PushDispatcher dispatcher = new PushDispatcher(store, new PushPolicy(store, liveness, blocks), gateways, messages,
                conversations, accounts, clock, new PushDispatcher.Settings(p.content(), p.coalesceWindow(),
                        p.queueCapacity(), p.maxAttempts(), p.previewChars(), Duration.ofSeconds(60),
                        Duration.ofSeconds(1), Duration.ofMinutes(5), 64, config.nodeNumber()),
                e -> counters.get(e).increment());
        Gauge.builder("parley.push.intake", dispatcher, PushDispatcher::queued)
                .description("Committed entries waiting to become pending pushes").register(registry);
        PushService service = new PushService(store, gateways.guard(), memberships, clock);
        return new NodePush(store, dispatcher, service, gateways.vapidPublicKey());
    }

    private static String read(Path file, String setting) {
        if (file == null) {
            return null;
        }
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(setting + ": cannot read " + file, e);
        }
    }

    /** A publisher that forwards to {@code delegate}, then hands new entries to the dispatcher. */
    public EventPublisher tap(EventPublisher delegate) {
        return (event, audience) -> {
            delegate.publish(event, audience);
            if (event instanceof ChatEvent.MessageAdded added) {
                dispatcher.committed(added.message(), audience);
            } else if (event instanceof ChatEvent.RequestReceived r) {
                // Published from a virtual thread (MessageRequests), so queueing may block here.
                audience.forEach(user -> dispatcher.requestReceived(r.conversationId(), user, r.seq()));
            }
        };
    }

    public void start() {
        dispatcher.start();
    }

    /**
     * Tells the other nodes of target and mute changes made here, and drops what this node
     * remembered when they announce theirs.
     */
    public void link(dev.parley.cluster.ClusterControl control) {
        store.onChange(control::pushTargetsChanged, c -> control.mutesChanged(c.value()));
        control.onPushChanged(store::targetsChangedElsewhere,
                c -> store.mutesChangedElsewhere(new dev.parley.core.conversation.ConversationId(c)));
    }

    public PushStore store() {
        return store;
    }

    public PushService service() {
        return service;
    }

    public PushDispatcher dispatcher() {
        return dispatcher;
    }

    /** The VAPID public key browsers subscribe with (base64url). */
    public String vapidPublicKey() {
        return vapidPublicKey;
    }

    @Override
    public void close() {
        dispatcher.close();
    }
}
