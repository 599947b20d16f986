package dev.parley.server.metrics;

import dev.parley.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * What an operator watches on a node, in Prometheus' text format at {@code /metrics}. The
 * series are listed in docs/operations.md. Recording is lock-free and cheap enough for the hot
 * path (counters and HDR-style histograms).
 */
public final class NodeMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter messagesReceived;
    private final Counter messagesDelivered;
    private final Counter slowConsumerDisconnects;
    private final Timer commitTime;
    private final Timer deliveryTime;
    static final long DELIVERY_SAMPLE_GAP_NANOS = 100_000;
    private final ThreadLocal<long[]> lastDeliverySample = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE / 2});
    private final DistributionSummary batchSize;
    private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
    private boolean jvmWatched;
    private volatile long outboundQueuedBytes;
    private volatile long outboundQueuedMaxBytes;

    public NodeMetrics() {
        messagesReceived = Counter.builder("parley.messages.received")
                .description("Messages stored (confirmed with sent); retries of a stored message are not counted")
                .register(registry);
        messagesDelivered = Counter.builder("parley.messages.delivered")
                .description("History entries written to device connections").register(registry);
        slowConsumerDisconnects = Counter.builder("parley.slow.consumer.disconnects")
                .description("Connections closed because their outbound queue filled (4008)").register(registry);
        commitTime = Timer.builder("parley.send.commit")
                .description("From a send frame's arrival to its durable commit")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        deliveryTime = Timer.builder("parley.send.delivery")
                .description("From a send frame's arrival to the entry's write on a recipient's connection")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        batchSize = DistributionSummary.builder("parley.store.commit.batch")
                .description("Writes committed together by the group-commit writer")
                .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(100_000.0)
                .register(registry);
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, Counter.builder("parley.errors").description("Refusals sent to clients, by code")
                    .tag("code", code.wire()).register(registry));
        }
        Gauge.builder("parley.outbound.queued", () -> outboundQueuedBytes).baseUnit("bytes")
                .description("Bytes waiting in all connections' outbound queues (sampled at each heartbeat)")
                .register(registry);
        Gauge.builder("parley.outbound.queued.max", () -> outboundQueuedMaxBytes).baseUnit("bytes")
                .description("The fullest connection's outbound queue (sampled at each heartbeat)").register(registry);
    }

    /** Gauges read from the node's parts when scraped. */
    public void watch(IntSupplier connections, IntSupplier devicesOnline, IntSupplier usersOnline,
                      LongSupplier writerQueue) {
        Gauge.builder("parley.connections", connections::getAsInt).description("Authenticated WebSocket connections")
                .register(registry);
        Gauge.builder("parley.devices.online", devicesOnline::getAsInt).description("Devices with a connection")
                .register(registry);
        Gauge.builder("parley.users.online", usersOnline::getAsInt).description("Users online (presence)")
                .register(registry);
        Gauge.builder("parley.store.writer.queue", writerQueue::getAsLong)
                .description("Writes waiting for the group-commit writer").register(registry);
    }

    /** Writers whose writes fail because of their storage (a full disk, a lost database): alert on it. */
    /** Long polls waiting and event streams open on this node ({@code /v1/sync}, {@code /v1/events}). */
    public void watchPulls(IntSupplier waiting) {
        Gauge.builder("parley.pull.waiting", waiting::getAsInt)
                .description("Long polls waiting and event streams open").register(registry);
    }

    public void watchStorage(IntSupplier failingWriters) {
        Gauge.builder("parley.store.writers.failing", failingWriters::getAsInt)
                .description("Group-commit writers whose writes fail because of the storage").register(registry);
    }

    public void messageStored(long receivedNanos) {
        messagesReceived.increment();
        commitTime.record(System.nanoTime() - receivedNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * An entry was written to a recipient; {@code receivedNanos} is 0 when not known on this node.
     * Every delivery is counted; its time goes into the histogram at most once per
     * {@link #DELIVERY_SAMPLE_GAP_NANOS} per thread: recording each of a large group's deliveries
     * took 14% of the event loops' time in a fan-out profile, and a sample per 100 µs per loop
     * describes the distribution as well.
     */
    public void delivered(long receivedNanos) {
        messagesDelivered.increment();
        if (receivedNanos != 0) {
            long now = System.nanoTime();
            long[] last = lastDeliverySample.get();
            if (now - last[0] >= DELIVERY_SAMPLE_GAP_NANOS) {
                last[0] = now;
                deliveryTime.record(now - receivedNanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    public void batch(int size) {
        batchSize.record(size);
    }

    public void error(ErrorCode code) {
        errors.get(code).increment();
    }

    public void slowConsumer() {
        slowConsumerDisconnects.increment();
    }

    public void outboundSample(long totalBytes, long maxBytes) {
        outboundQueuedBytes = totalBytes;
        outboundQueuedMaxBytes = maxBytes;
    }

    /** The registry, for adapters that add their own series (push outcomes, cluster routing). */
    public io.micrometer.core.instrument.MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition. */
    /**
     * Registers the JVM's series (memory, GC, threads, classes, CPU, uptime). The node does it
     * just after it is ready: the management beans they read cost a start ~50 ms before ready.
     * The first scrape does it too if it comes first (or waits for it), so no scrape misses
     * them. Idempotent.
     */
    public synchronized void watchJvm() {
        if (!jvmWatched) {
            jvmWatched = true;
            new JvmMemoryMetrics().bindTo(registry);
            new JvmGcMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ClassLoaderMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
        }
    }

    public String scrape() {
        watchJvm();
        return registry.scrape();
    }
}
