package dev.parley.loadgen;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The generator's side of a run: a Vert.x instance on the chosen transport with a few event
 * loops, one WebSocket client per loopback source address, and the devices spread over the loops.
 */
final class GeneratorClients implements AutoCloseable {
    final Vertx vertx;
    final GeneratorTransport transport;
    final List<Context> contexts;
    private final List<WebSocketClient> clients = new ArrayList<>();
    private final WebSocketConnectOptions target;
    final Stats stats;
    final List<Device> devices = new ArrayList<>();

    private GeneratorClients(Vertx vertx, GeneratorTransport transport, List<Context> contexts, WebSocketConnectOptions target, Stats stats,
                  List<String> sourceAddresses) {
        this.vertx = vertx;
        this.transport = transport;
        this.contexts = contexts;
        this.target = target;
        this.stats = stats;
        for (String addr : sourceAddresses) {
            WebSocketClientOptions o = new WebSocketClientOptions()
                    .setMaxConnections(1_000_000)
                    .setConnectTimeout(30_000)
                    .setMaxFrameSize(1 << 20)
                    .setMaxMessageSize(1 << 20)
                    .setTcpNoDelay(true)
                    .setTryUsePerFrameCompression(false)
                    .setTryUsePerMessageCompression(false);
            if (addr != null) {
                o.setLocalAddress(addr);
            }
            clients.add(vertx.createWebSocketClient(o));
        }
    }

    /**
     * Starts {@code loops} event loops. {@code sourceAddresses} lists the loopback addresses to
     * connect from (null for the system's choice), used in turn. {@code wanted} runs if this host
     * can, else the next transport that can.
     */
    static GeneratorClients start(GeneratorTransport wanted, int loops, String host, int port, Stats stats,
                                  List<String> sourceAddresses) throws Exception {
        GeneratorTransport transport = wanted.orNextAvailable();
        Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(loops)
                .setWorkerPoolSize(2).setInternalBlockingPoolSize(2).setBlockedThreadCheckInterval(10_000))
                .withTransport(transport.vertx).build();
        List<Context> contexts = Collections.synchronizedList(new ArrayList<>());
        vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                contexts.add(context);
                return Future.succeededFuture();
            }
        }, new DeploymentOptions().setInstances(loops)).await(30, TimeUnit.SECONDS);
        WebSocketConnectOptions target = new WebSocketConnectOptions().setHost(host).setPort(port).setURI("/v1/ws");
        return new GeneratorClients(vertx, transport, List.copyOf(contexts), target, stats,
                sourceAddresses.isEmpty() ? Collections.singletonList(null) : sourceAddresses);
    }

    WebSocketClient client() {
        return clients.getFirst();
    }

    WebSocketConnectOptions target() {
        return target;
    }

    /** Creates a device for each user; device i runs on loop i mod loops and source address i mod addresses. */
    List<Device> addDevices(List<User> users, int bodySize, boolean resume, Device.Listener listener) {
        List<Device> out = new ArrayList<>(users.size());
        for (User u : users) {
            int i = devices.size();
            Device d = new Device(u, contexts.get(i % contexts.size()), stats, clients.get(i % clients.size()), target,
                    bodySize, resume, listener);
            devices.add(d);
            out.add(d);
        }
        return out;
    }

    /** The devices that run on {@code context}. */
    List<Device> devicesOn(Context context) {
        List<Device> out = new ArrayList<>();
        for (Device d : devices) {
            if (d.context == context) {
                out.add(d);
            }
        }
        return out;
    }

    /**
     * Connects the devices with at most {@code concurrency} handshakes in flight and waits until
     * every one is live or {@code timeoutMs} passes; returns how many are live.
     */
    int connectAll(List<Device> list, int concurrency, long timeoutMs, Consumer<Integer> progress)
            throws InterruptedException {
        AtomicInteger live = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        java.util.concurrent.Semaphore permits = new java.util.concurrent.Semaphore(concurrency);
        CompletableFuture<Void> all = new CompletableFuture<>();
        ConnectWatch watch = new ConnectWatch(live, failed, permits, list.size(), all);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long lastReport = System.nanoTime();
        for (Device d : list) {
            while (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() > deadline) {
                    return live.get();
                }
            }
            d.onLoop(() -> {
                d.await(watch);
                d.connect();
            });
            if (progress != null && System.nanoTime() - lastReport > 1_000_000_000L) {
                lastReport = System.nanoTime();
                progress.accept(live.get());
            }
        }
        while (!all.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            if (progress != null && System.nanoTime() - lastReport > 1_000_000_000L) {
                lastReport = System.nanoTime();
                progress.accept(live.get());
            }
        }
        return live.get();
    }

    /** Counts devices going live or failing during {@link #connectAll}, releasing a handshake slot each. */
    private record ConnectWatch(AtomicInteger live, AtomicInteger failed, java.util.concurrent.Semaphore permits,
                                int total, CompletableFuture<Void> all) implements Device.Waiter {
        @Override
        public void onLive() {
            permits.release();
            if (live.incrementAndGet() + failed.get() >= total) {
                all.complete(null);
            }
        }

        @Override
        public void onFailed() {
            permits.release();
            if (live.get() + failed.incrementAndGet() >= total) {
                all.complete(null);
            }
        }
    }

    /** Waits until every loop has run everything queued before this call (a happens-before barrier). */
    void barrier() {
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (Context c : contexts) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            c.runOnContext(v -> f.complete(null));
            fs.add(f);
        }
        CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).orTimeout(30, TimeUnit.SECONDS).join();
    }

    /** Total sends not yet answered, read on each device's loop. */
    long inflight() {
        barrier();
        long n = 0;
        for (Device d : devices) {
            n += d.inflight();
        }
        return n;
    }

    @Override
    public void close() {
        for (Device d : devices) {
            d.onLoop(d::stop);
        }
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            vertx.close().await(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the process is ending anyway
        }
    }
}
