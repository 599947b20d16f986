package dev.parley.server.ws;

import dev.parley.core.account.Caller;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.core.presence.WatchScope;
import dev.parley.protocol.CloseCode;
import dev.parley.server.ServerConfig;
import dev.parley.server.metrics.NodeMetrics;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Fan-out of one group message to N connected devices inside the node, up to the socket: the
 * entry is encoded once by {@link LocalEventPublisher}, posted to each recipient's event-loop
 * {@link LoopMailbox}, put in order by each connection's {@link OrderedDelivery}, and handed to
 * each WebSocket as a text frame. The WebSockets are stand-ins that count frames instead of
 * writing to a socket, so the figure excludes the kernel's part; one operation is one message
 * delivered to all {@code members} devices, on {@code loops} event loops as on a node.
 *
 * <p>The connections are the node's own classes, built through their constructors; each is
 * authenticated with {@link ChatConnection#begin} (what a successful {@code auth} does, without
 * the token check) and registered as {@code auth} registers it. The fan-out path calls nothing of
 * the chat domain, so the benchmark gives the connections none.
 *
 * <p>Run:
 * <pre>{@code
 * ./mvnw -pl microbench -am package -DskipTests
 * java -jar microbench/target/microbench.jar FanOut
 * }</pre>
 * Deliveries per second = members / (time per operation).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FanOutBenchmark {
    @Param({"1024"})
    int members;

    @Param({"2"})
    int loops;

    private Vertx vertx;
    private LocalEventPublisher publisher;
    private List<UserId> audience;
    private volatile CountDownLatch pending;
    private long seq;
    private final String body = "x".repeat(64);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(loops));
        List<Context> contexts = Collections.synchronizedList(new ArrayList<>());
        vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                contexts.add(context);
                return Future.succeededFuture();
            }
        }, new DeploymentOptions().setInstances(loops)).await(30, TimeUnit.SECONDS);

        ServerConfig config = ServerConfig.defaults();
        LocalConnections connections = new LocalConnections();
        // Nobody watches anyone here: the scope is never asked.
        PresenceWatchers watchers = new PresenceWatchers(new WatchScope(null, null), connections);
        LocalSockets local = new LocalSockets(connections, new LoopMailboxes(),
                new SendAllowances(config.limits().sendsPerSecond(), config.limits().sendBurst()), new SocketActivity(),
                watchers, null, new Arrivals(config.limits().arrivals()));
        SocketServices services = new SocketServices(vertx, config, new NodeMetrics(), null, local);
        publisher = new LocalEventPublisher(connections, watchers);

        audience = new ArrayList<>(members);
        for (int i = 0; i < members; i++) {
            UserId user = new UserId(10_000 + i);
            ChatConnection c = new ChatConnection(countingSocket(), contexts.get(i % contexts.size()), services);
            c.begin(new Caller(user, new DeviceId(20_000 + i)), false);
            connections.add(c);
            audience.add(user);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Benchmark
    public void publishToAll() throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(members);
        pending = latch;
        seq++;
        Message m = new Message(new ConversationId(1), seq, System.currentTimeMillis(), new UserId(1), new DeviceId(2),
                "c" + seq, MessageKind.TEXT, body, null, null, null);
        publisher.publish(new ChatEvent.MessageAdded(m), audience);
        if (!latch.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("fan-out did not reach every connection: " + latch.getCount() + " left");
        }
    }

    /** A WebSocket stand-in: counts the frames written, never fills, ignores the rest. */
    private ChatSocket countingSocket() {
        return new ChatSocket() {
            @Override
            public boolean isClosed() {
                return false;
            }

            @Override
            public boolean writeQueueFull() {
                return false;
            }

            @Override
            public long queuedBytes() {
                return 0;
            }

            @Override
            public void writeText(byte[] utf8Json) {
                CountDownLatch l = pending;
                if (l != null) {
                    l.countDown();
                }
            }

            @Override
            public void writePing() {
            }

            @Override
            public void close(CloseCode code) {
            }

            @Override
            public void whenDrained(Runnable then) {
                then.run();
            }
        };
    }
}
