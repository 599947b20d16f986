package dev.parley.server;

import dev.parley.core.IdGenerator;
import dev.parley.core.account.AccountService;
import dev.parley.core.block.BlockDirectory;
import dev.parley.core.conversation.ConversationService;
import dev.parley.core.conversation.MembershipDirectory;
import dev.parley.core.delivery.EventPublisher;
import dev.parley.core.group.GroupService;
import dev.parley.core.inbox.ConversationList;
import dev.parley.core.message.HistoryService;
import dev.parley.core.message.MessageService;
import dev.parley.core.presence.PresenceTracker;
import dev.parley.core.presence.WatchScope;
import dev.parley.core.receipt.ReceiptService;
import dev.parley.core.typing.TypingTracker;
import dev.parley.server.attachment.BlobStore;
import dev.parley.server.auth.Argon2PasswordHasher;
import dev.parley.server.auth.HashingPool;
import dev.parley.protocol.CloseCode;
import dev.parley.server.http.ApiRoutes;
import dev.parley.server.http.SendRoutes;
import dev.parley.server.http.SyncRoutes;
import dev.parley.server.http.TokenRoutes;
import dev.parley.server.pull.PullWaiters;
import dev.parley.core.account.ApiTokens;
import dev.parley.core.sync.CatchUpReader;
import dev.parley.core.sync.SyncReader;
import dev.parley.server.metrics.NodeMetrics;
import dev.parley.server.net.ConnectionAdmission;
import dev.parley.server.push.NodePush;
import dev.parley.server.http.ApiServices;
import dev.parley.server.http.PeopleServices;
import dev.parley.server.ws.Arrivals;
import dev.parley.server.ws.ChatServices;
import dev.parley.server.ws.ChatSocketEndpoint;
import dev.parley.server.ws.Heartbeats;
import dev.parley.server.ws.LocalConnections;
import dev.parley.server.ws.LocalSockets;
import dev.parley.server.ws.LoopMailboxes;
import dev.parley.server.ws.PresenceWatchers;
import dev.parley.server.ws.SendAllowances;
import dev.parley.server.ws.SocketActivity;
import dev.parley.server.ws.SocketServices;
import dev.parley.store.JdbcAccountStore;
import dev.parley.store.JdbcConversationStore;
import dev.parley.store.JdbcMessageStore;
import dev.parley.store.SqliteAdministration;
import dev.parley.store.DamagedDatabaseException;
import dev.parley.store.JdbcStores;
import dev.parley.store.Shards;
import dev.parley.store.StorageSettings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One Parley node: the composition root that builds the stores from configuration, wires the
 * domain services with them, and serves HTTP and WebSocket on one port from every event loop.
 */
public final class ParleyNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ParleyNode.class);

    private final ServerConfig config;
    private final Vertx vertx;
    private final JdbcStores db;
    private final LocalSockets sockets;
    private final Heartbeats heartbeats;
    private final ScheduledExecutorService timers;
    private final NodeMetrics metrics;
    private final NodeLinks links;
    private final NodePush push;
    private final DataDirectory data;
    private final HashingPool hashing;
    private final BlobStore blobs;
    private final AtomicBoolean ready = new AtomicBoolean();
    /** How long after ready the login decoy hash is made: past a restart's first answers and arrivals. */
    private static final long DECOY_HASH_DELAY_MS = 10_000;
    /** Longer than a stop's steps, so that the servers' own close never cuts what the stop still does. */
    private static final long STOP_GRACE_SECONDS = 30;
    /** How long a stop waits for the peers' answers to its 1012s once they are all written. */
    private static final long CLOSE_ANSWERS_MS = 500;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger port = new AtomicInteger();
    private final AtomicInteger adminPort = new AtomicInteger();
    private final AtomicReference<Router> router = new AtomicReference<>();
    /** The public port's servers, one per event loop, which a stop closes first. */
    private final java.util.List<HttpServer> publicServers = new java.util.concurrent.CopyOnWriteArrayList<>();

    private ParleyNode(ServerConfig config, Vertx vertx, JdbcStores db, LocalSockets sockets,
                       Heartbeats heartbeats, ScheduledExecutorService timers, NodeMetrics metrics, NodeLinks links,
                       NodePush push, DataDirectory data, HashingPool hashing, BlobStore blobs) {
        this.config = config;
        this.vertx = vertx;
        this.db = db;
        this.sockets = sockets;
        this.heartbeats = heartbeats;
        this.timers = timers;
        this.metrics = metrics;
        this.links = links;
        this.push = push;
        this.data = data;
        this.hashing = hashing;
        this.blobs = blobs;
    }

    /** Opens storage, starts serving, and returns once the node is ready. */
    public static ParleyNode start(ServerConfig config) throws Exception {
        return start(config, false);
    }

    /**
     * Takes the data directory, opens storage, starts serving, and returns once the node is
     * ready; or throws {@link StartRefused} with one line to show the operator. With
     * {@code allowEmptyDatabase}, a missing or empty SQLite database in a directory that was in
     * use starts a new one instead of being refused ({@code parley serve --allow-empty}).
     */
    public static ParleyNode start(ServerConfig config, boolean allowEmptyDatabase) throws Exception {
        DataDirectory data = DataDirectory.claim(config, allowEmptyDatabase);
        try {
            return startOn(config, data);
        } catch (Exception | Error e) {
            data.close();
            throw e;
        }
    }

    private static ParleyNode startOn(ServerConfig config, DataDirectory data) throws Exception {
        Clock clock = Clock.systemUTC();
        NodeMetrics metrics = new NodeMetrics();
        BlobStore blobs = NodeAttachments.openBlobs(config);
        JdbcStores db;
        try {
            db = openStores(config);
        } catch (Exception | Error e) {
            if (blobs != null) {
                blobs.close();
            }
            throw e;
        }
        data.markInUse();
        int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
        LoopMailboxes.boundTaskTimePerLoopTurn();
        SocketTransport transport = config.network().transport().orNextAvailable();
        Vertx vertx = transport.start(new VertxOptions().setEventLoopPoolSize(loops));
        OutOfMemoryExit.install(vertx);
        Shards shards = db.shards();

        JdbcAccountStore accountStore = db.accounts();
        JdbcConversationStore conversationStore = db.conversations();
        IdGenerator ids = new IdGenerator(clock, config.nodeNumber());
        ids.advancePast(db.highestIssuedId(config.nodeNumber()));
        LocalConnections connections = new LocalConnections();
        MembershipDirectory memberships = new MembershipDirectory(conversationStore, Blocking.executor(), 100_000);
        BlockDirectory reach = NodePeople.reach(db);
        PresenceWatchers watchers = new PresenceWatchers(new WatchScope(conversationStore, reach), connections);
        watchers.followBlocks(reach);
        NodeLinks links = NodeLinks.open(config, vertx, connections, watchers, memberships, conversationStore,
                accountStore, reach);
        JdbcMessageStore messageStore = db.messages();
        // Push taps committed entries from the publisher. A device connected to any node of a
        // cluster is not pushed, so liveness comes from the links (docs/push.md, "Clusters").
        NodePush push = NodePush.create(config, shards, links.liveness, messageStore, conversationStore, accountStore,
                memberships, reach, metrics.registry(), clock);
        if (push != null && links.control != null) {
            push.link(links.control);
        }
        EventPublisher publisher = push == null ? links.publisher : push.tap(links.publisher);
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("parley-timers").daemon(true).factory());
        PresenceTracker presence = new PresenceTracker(links.presenceFeed, accountStore, links.presenceDirectory, clock,
                timers, config.timing().presenceGrace());
        TypingTracker typing = new TypingTracker(publisher, memberships, clock, config.timing().typingExpiry(), reach);
        long sweepMs = Math.max(50, config.timing().typingExpiry().toMillis() / 4);
        timers.scheduleAtFixedRate(typing::sweep, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
        if (!config.retention().forever()) {
            RetentionSweeper.schedule(timers, messageStore, clock, config.retention().messages());
        }

        ServerConfig.Passwords pw = config.passwords();
        HashingPool hashing = new HashingPool(new Argon2PasswordHasher(pw.memoryKiB(), pw.iterations(), pw.parallelism()),
                config.accounts().hashingThreadCount(), config.accounts().hashingQueue());
        AccountService accounts = new AccountService(accountStore, hashing, links.devices, ids, clock,
                push == null ? null : push.store(), config.accounts().limits());
        ConversationService conversations = new ConversationService(conversationStore, accountStore, memberships, ids, clock);
        MessageService messages = new MessageService(messageStore, memberships, publisher, clock,
                config.limits().maxBodyBytes());
        messages.editWindow(config.messages().editWindow());
        ReceiptService receipts = new ReceiptService(conversationStore, memberships, publisher, reach);
        GroupService groups = new GroupService(messageStore, accountStore, memberships, publisher, ids, clock,
                config.limits().maxGroupSize());
        PeopleServices people = NodePeople.wire(config, db, reach, memberships, publisher, messages, groups, links.devices,
                push, ids, clock);
        dev.parley.server.attachment.AttachmentIntake attachments = NodeAttachments.wire(config, blobs, db, messages, ids,
                timers, clock);
        HistoryService history = new HistoryService(messageStore, conversationStore, config.limits().maxPageSize(),
                (user, conversation) -> people.requests().pendingFor(user, conversation).isPresent());
        ConversationList conversationList = new ConversationList(conversationStore, messageStore,
                config.limits().maxPageSize(), conversation -> people.requests().find(conversation)
                        .map(dev.parley.core.request.MessageRequest::recipient).orElse(null));

        Heartbeats heartbeats = new Heartbeats(vertx, connections, config.timing().heartbeat().toMillis(), metrics);
        metrics.watch(connections::count, connections::deviceCount, presence::onlineCount, shards::queued);
        shards.onBatch(metrics::batch);
        metrics.watchStorage(() -> shards.faults().size());
        metrics.watchPulls(links.pulls::count);
        SendAllowances sendAllowances = new SendAllowances(config.limits().sendsPerSecond(), config.limits().sendBurst());
        LocalSockets sockets = new LocalSockets(connections, new LoopMailboxes(), sendAllowances, new SocketActivity(),
                watchers, links.tail, new Arrivals(config.limits().arrivals()));
        ParleyNode node = new ParleyNode(config, vertx, db, sockets, heartbeats, timers, metrics, links, push, data,
                hashing, blobs);

        SocketServices socketServices = new SocketServices(vertx, config, metrics, new ChatServices(accounts, messages,
                receipts, typing, presence, new CatchUpReader(conversationStore, messageStore, reach,
                config.limits().maxCatchUp())), sockets);
        // New WebSockets only while the node is serving and reaches the rest of its cluster: cut off
        // from Redis it could give a new client only what it holds alone (docs/operations.md).
        ChatSocketEndpoint endpoint = new ChatSocketEndpoint(socketServices,
                () -> node.ready.get() && links.linkProblem() == null);
        long startedAt = System.currentTimeMillis();
        ApiServices api = new ApiServices(config, accounts, conversations, history, groups, conversationList, metrics,
                () -> Readiness.of(node.ready.get(), db.sqlite().isPresent(), shards.faults(), links.linkProblem())
                        .alsoFailing(blobs == null ? null : blobs.problem().orElse(null)),
                db.sqlite().map(SqliteAdministration::new).orElse(null), () -> Map.of(
                        "connections", connections.count(),
                        "devicesOnline", connections.deviceCount(),
                        "usersOnline", presence.onlineCount(),
                        "writerQueue", shards.queued(),
                        "commitBatches", shards.batches(),
                        "committedWrites", shards.tasks(),
                        "writeRetries", shards.retries(),
                        "uptimeSeconds", (System.currentTimeMillis() - startedAt) / 1000),
                AdminToken.obtain(config), push, people, attachments,
                new dev.parley.core.search.SearchService(new dev.parley.store.JdbcSearchStore(shards)));

        SyncRoutes sync = new SyncRoutes(config, accounts, conversationStore, receipts,
                new SyncReader(conversationStore, messageStore, reach, config.limits().maxCatchUp()), links.pulls, metrics,
                () -> node.ready.get() && links.linkProblem() == null);
        SendRoutes sends = new SendRoutes(accounts, messages, receipts, typing, sendAllowances, metrics,
                () -> node.ready.get() && !node.closed.get());
        TokenRoutes tokenRoutes = new TokenRoutes(accounts, new ApiTokens(accountStore, accounts, ids, clock), metrics);
        // Mounted after the API's own routes, under the same guards (request ids, JSON bodies, no-store).
        java.util.function.Consumer<Router> pullRoutes = router -> {
            sync.mount(router);
            sends.mount(router);
            tokenRoutes.mount(router);
        };

        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.host())
                .setPort(config.port())
                .setTcpNoDelay(true)
                .setMaxWebSocketFrameSize(config.limits().hardFrameBytes())
                .setMaxWebSocketMessageSize(config.limits().hardFrameBytes())
                .setWebSocketClosingTimeout(2)
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false)
                // HTTP/1.1 only: the timeouts for slow clients and the WebSocket upgrade are HTTP/1.1.
                .setHttp2ClearTextEnabled(false);
        ConnectionAdmission admission = new ConnectionAdmission(config.limits().maxConnectionsPerAddress(),
                config.timing().requestHeaderTimeout(), config.timing().idleTimeout(), metrics.registry());
        if (config.network().tls()) {
            options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                    .setCertPath(config.network().tlsCertificate().toString())
                    .setKeyPath(config.network().tlsKey().toString()));
        } else if (!isLoopback(config.host())) {
            log.warn("serving plain HTTP on non-loopback address {}: tokens and messages cross the network unencrypted;"
                    + " configure server.tlsCertificate/tlsKey or put a TLS-terminating proxy in front", config.host());
        }
        try {
            // Vert.x spreads connections across loops only between servers sharing one port, and
            // servers asked for port 0 each get their own; so pick the free port first.
            HttpServerOptions shared = new HttpServerOptions(options).setPort(
                    config.port() == 0 ? freePort(config.host()) : config.port());
            deployServers(vertx, shared, admission, endpoint, api, pullRoutes, node, loops);
            serveAdmin(vertx, options, api, node);
        } catch (Exception e) {
            Exception refused = StartRefused.ifAddressUnusable(e, config).map(Exception.class::cast).orElse(e);
            hashing.close();
            links.close();
            if (push != null) {
                push.close();
            }
            vertx.close().await(10, TimeUnit.SECONDS);
            timers.shutdownNow();
            db.close();
            if (blobs != null) {
                blobs.close();
            }
            throw refused;
        }
        heartbeats.start();
        if (push != null) {
            push.start();
        }
        node.ready.set(true);
        // Work a start need not wait for: the login decoy hash (0.3-0.5 s of CPU, cold, and the JIT
        // work it sets off). Made right after ready it competed with the node's first answers for
        // both cores; a login for an unknown user before it is made makes it then (AccountService).
        timers.schedule(() -> Blocking.executor().execute(accounts::prepare), DECOY_HASH_DELAY_MS, TimeUnit.MILLISECONDS);
        timers.execute(metrics::watchJvm);
        log.info("parley node ready host={} port={} node={} storage={} cluster={} durability={} transport={}", config.host(),
                node.port(), config.nodeNumber(), config.storage().type(), config.cluster().type(),
                config.durability().wire(), transport.wire());
        return node;
    }

    private static void deployServers(Vertx vertx, HttpServerOptions options, ConnectionAdmission admission,
                                      ChatSocketEndpoint endpoint, ApiServices api,
                                      java.util.function.Consumer<Router> pullRoutes, ParleyNode node,
                                      int instances)
            throws Exception {
        vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                Router router = ApiRoutes.router(vertx, api);
                pullRoutes.accept(router);
                node.router.compareAndSet(null, router);
                HttpServer server = vertx.createHttpServer(options)
                        .connectionHandler(connection -> {
                            if (admission.admit(connection)) {
                                // /v1/ws upgrades answered by Parley's handler, ahead of Vert.x's.
                                endpoint.serve(connection);
                            }
                        })
                        .exceptionHandler(t -> {
                            OutOfMemoryExit.haltIfOutOfMemory(t);
                            log.debug("HTTP connection error: {}", t.toString());
                        })
                        .webSocketHandshakeHandler(endpoint.handshakeHandler())
                        .webSocketHandler(endpoint.socketHandler())
                        .requestHandler(router);
                return server.listen().onSuccess(s -> {
                    node.port.compareAndSet(0, s.actualPort());
                    node.publicServers.add(s);
                });
            }
        }, new DeploymentOptions().setInstances(instances)).await(30, TimeUnit.SECONDS);
    }

    /**
     * The administration API on its own listener (loopback by default), never on the public port,
     * with the same TLS as the public port; its URL goes to DATA/admin.url for {@code parley admin}.
     */
    private static void serveAdmin(Vertx vertx, HttpServerOptions publicOptions, ApiServices api, ParleyNode node)
            throws Exception {
        ServerConfig.Admin admin = node.config.admin();
        HttpServerOptions options = new HttpServerOptions(publicOptions).setHost(admin.host()).setPort(admin.port());
        HttpServer server = vertx.createHttpServer(options).requestHandler(ApiRoutes.adminRouter(vertx, api));
        node.adminPort.set(server.listen().await(30, TimeUnit.SECONDS).actualPort());
        String host = admin.host().contains(":") ? "[" + admin.host() + "]" : admin.host();
        AdminAddress.write(node.config.dataDir(), (options.isSsl() ? "https" : "http") + "://" + host + ":"
                + node.adminPort.get());
    }

    private static int freePort(String host) throws java.io.IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return probe.getLocalPort();
        }
    }

    /** Opens the stores; a damaged SQLite file refuses the start with what to do about it. */
    private static JdbcStores openStores(ServerConfig config) throws SQLException {
        try {
            return JdbcStores.open(storageSettings(config));
        } catch (DamagedDatabaseException e) {
            Path dir = config.dataDir().toAbsolutePath();
            throw new StartRefused(e.getMessage() + ". Restore the last backup with `parley admin restore BACKUP --data "
                    + dir + "` (`parley admin check --data " + dir + "` runs SQLite's full check)", e);
        }
    }

    private static StorageSettings storageSettings(ServerConfig config) {
        ServerConfig.Storage s = config.storage();
        return s.type() == ServerConfig.StorageType.POSTGRES
                ? StorageSettings.postgres(s.postgresUrls(), s.postgresUser(), s.postgresPassword(), s.postgresPoolSize(),
                        s.durability(), s.maxBatch())
                : StorageSettings.sqlite(s.dataDir(), s.durability(), s.readers(), s.maxBatch()).withHotLog(s.hotLog());
    }

    private static boolean isLoopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops as a crash would, for tests of node failure: no draining, no 1012, no goodbye to the
     * cluster (its heartbeat key expires), connections simply drop.
     */
    public void crashForTesting() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ready.set(false);
        heartbeats.stop();
        timers.shutdownNow();
        if (push != null) {
            push.dispatcher().close(java.time.Duration.ZERO);
        }
        if (links.cluster != null) {
            links.cluster.abandonForTesting();
        }
        stopLoopsAndStores();
        data.abandon();
    }

    /** How this node reaches the others (for tests that inject faults between nodes). */
    public NodeLinks links() {
        return links;
    }

    /** Push notifications on this node, or null when {@code push.enabled} is false. */
    public NodePush push() {
        return push;
    }

    /** The node's metrics (also served at /metrics). */
    public NodeMetrics metrics() {
        return metrics;
    }

    public int port() {
        return port.get();
    }

    /**
     * The public port's router (each event loop has one, all built alike), for tests that hold its
     * routes to the protocol's OpenAPI document.
     */
    public Router router() {
        return router.get();
    }

    /** The port of the administration API (see {@link ServerConfig.Admin}). */
    public int adminPort() {
        return adminPort.get();
    }

    public ServerConfig config() {
        return config;
    }

    /** The long polls waiting on this node. */
    public PullWaiters pullWaiters() {
        return links.pulls;
    }

    public LocalConnections connections() {
        return sockets.connections();
    }

    /** The WebSockets open on this node, and those closing: what a stop waits for. */
    public SocketActivity socketActivity() {
        return sockets.activity();
    }

    /** The devices arriving at this node at once (auth and catch-up in progress), and their bound. */
    public Arrivals arrivals() {
        return sockets.arrivals();
    }

    public JdbcStores stores() {
        return db;
    }

    /**
     * Stops the node gracefully within a bounded time: it reports not ready (so a balancer stops
     * sending it clients), refuses new sends, waits for the sends in flight to be committed and
     * confirmed, then closes every WebSocket with 1012 (reconnect elsewhere) and stops.
     * Nothing confirmed is lost: every {@code sent} is written before the close frame.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long began = System.nanoTime();
        ready.set(false);
        stopAccepting();
        sockets.connections().drain();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        // Only the sends whose answers are owed: the writer's other work (receipts, last-seen
        // times, a reconnect storm's registrations) need not delay the 1012s, since closing the
        // store below commits everything queued before it stops.
        while (sockets.activity().pendingSends() > 0 && System.nanoTime() < deadline) {
            pause();
        }
        long sendsDone = System.nanoTime();
        sockets.connections().closeAll(CloseCode.SERVICE_RESTART);
        // Waiting long polls answer now with what there is; their clients ask another node next.
        links.pulls.endAll();
        // Until every 1012 is written: a connection leaves the count in the loop task that writes
        // its close frame (and, once flushed, ends the output after it).
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (sockets.connections().count() > 0 && System.nanoTime() < deadline) {
            pause();
        }
        long closesWritten = System.nanoTime();
        // Then, briefly, for the answers: a socket closed with the peer's answer unread is reset,
        // and a reset drops what the kernel has not sent yet. Each peer has its 1012 and the end
        // of the stream already, so a peer slow to answer (a client machine busy reconnecting
        // thousands of devices) no longer holds the stop for seconds; one that never answers is
        // cut by the WebSocket closing timeout or the loops' close. Where the kernel tells (epoll)
        // that every peer's TCP stack has acknowledged all it was sent, the 1012 and the end of
        // the stream included, a reset takes nothing from them and the wait ends there.
        deadline = Math.min(deadline, closesWritten + TimeUnit.MILLISECONDS.toNanos(CLOSE_ANSWERS_MS));
        boolean delivered = false;
        while (sockets.activity().openSockets() > 0 && System.nanoTime() < deadline) {
            if (closesDelivered(deadline)) {
                delivered = true;
                break;
            }
            pause();
        }
        int unanswered = sockets.activity().openSockets();
        long socketsDone = System.nanoTime();
        heartbeats.stop();
        timers.shutdownNow();
        if (push != null) {
            push.close();
        }
        links.close();
        long linksDone = System.nanoTime();
        stopLoopsAndStores();
        AdminAddress.remove(config.dataDir());
        data.close();
        long end = System.nanoTime();
        log.info("parley node stopped ms={} sends_ms={} sockets_ms={} closes_written_ms={} unanswered={}"
                        + " unanswered_all_delivered={} push_links_ms={} loops_stores_ms={}",
                ms(end - began), ms(sendsDone - began), ms(socketsDone - sendsDone), ms(closesWritten - sendsDone),
                unanswered, delivered, ms(linksDone - socketsDone), ms(end - linksDone));
    }

    /**
     * Closes the public port's listening socket, so that clients told to reconnect are refused at
     * once by the kernel (and try another node, or this one once it is back) instead of being
     * upgraded only to be answered 503 while this node drains. Connections already open stay open:
     * the servers' grace (longer than the stop) leaves them to the steps below, and the HTTP
     * requests on them finish.
     */
    private void stopAccepting() {
        for (HttpServer server : publicServers) {
            server.shutdown(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
        }
        // Vert.x closes the listening socket on its acceptor loop; wait (at most a second) until
        // it is gone, so that no client told 1012 below can still be accepted here. A socket
        // bound to the port (never listening, so nobody can connect to it) is refused while a
        // listener holds the port; the connections accepted earlier share the address and do not.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        java.net.InetSocketAddress address = new java.net.InetSocketAddress(config.host(), port.get());
        while (!publicServers.isEmpty() && System.nanoTime() < deadline) {
            try (java.net.Socket probe = new java.net.Socket()) {
                probe.setReuseAddress(true);
                probe.bind(address);
                return;
            } catch (java.io.IOException stillListening) {
                pause();
            }
        }
    }

    /** Whether the peers of the sockets still open have all their close delivered; see {@link SocketActivity#closesDelivered}. */
    private boolean closesDelivered(long deadline) {
        try {
            return sockets.activity().closesDelivered(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** The last steps of both stops: the event loops, then what they used (hashing, the database, blobs). */
    private void stopLoopsAndStores() {
        long began = System.nanoTime();
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("event loops did not stop cleanly: {}", e.toString());
        }
        long loopsDone = System.nanoTime();
        hashing.close();
        db.close();
        log.info("stopped event loops ms={} hashing and stores ms={}", ms(loopsDone - began), ms(System.nanoTime() - loopsDone));
        if (blobs != null) {
            blobs.close();
        }
    }
}
