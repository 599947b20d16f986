package dev.parley.server;

import dev.parley.core.account.AccountLimits;
import dev.parley.core.account.RegistrationMode;
import dev.parley.core.limit.Rate;
import dev.parley.core.push.PushContent;
import dev.parley.server.config.Settings;
import dev.parley.store.Durability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Everything a node needs to start, in sections that mirror the YAML file (see
 * {@code config/example-*.yaml} and docs/operations.md). Each section validates itself when
 * built, so a bad setting fails start-up with the setting's name in the message.
 */
public record ServerConfig(Network network, Storage storage, Cluster cluster, Limits limits, Timing timing,
                           Passwords passwords, Observability observability, Retention retention, Admin admin,
                           Push push, Accounts accounts, People people, Messages messages,
                           Attachments attachments, Pull pull) {

    /** Without a {@code pull} section: its defaults. */
    public ServerConfig(Network network, Storage storage, Cluster cluster, Limits limits, Timing timing,
                        Passwords passwords, Observability observability, Retention retention, Admin admin, Push push,
                        Accounts accounts, People people, Messages messages, Attachments attachments) {
        this(network, storage, cluster, limits, timing, passwords, observability, retention, admin, push, accounts,
                people, messages, attachments, Pull.defaults());
    }

    /** Without an {@code attachments} section: its defaults. */
    public ServerConfig(Network network, Storage storage, Cluster cluster, Limits limits, Timing timing,
                        Passwords passwords, Observability observability, Retention retention, Admin admin, Push push,
                        Accounts accounts, People people, Messages messages) {
        this(network, storage, cluster, limits, timing, passwords, observability, retention, admin, push, accounts,
                people, messages, Attachments.defaults());
    }

    /** Without a {@code messages} section: its defaults. */
    public ServerConfig(Network network, Storage storage, Cluster cluster, Limits limits, Timing timing,
                        Passwords passwords, Observability observability, Retention retention, Admin admin, Push push,
                        Accounts accounts, People people) {
        this(network, storage, cluster, limits, timing, passwords, observability, retention, admin, push, accounts,
                people, Messages.defaults());
    }

    /** Without a {@code people} section: its defaults. */
    public ServerConfig(Network network, Storage storage, Cluster cluster, Limits limits, Timing timing,
                        Passwords passwords, Observability observability, Retention retention, Admin admin, Push push,
                        Accounts accounts) {
        this(network, storage, cluster, limits, timing, passwords, observability, retention, admin, push, accounts,
                People.defaults());
    }

    /** Without an {@code accounts} section: registration and login limits with their defaults. */
    public ServerConfig(Network network, Storage storage, Cluster cluster, Limits limits, Timing timing,
                        Passwords passwords, Observability observability, Retention retention, Admin admin, Push push) {
        this(network, storage, cluster, limits, timing, passwords, observability, retention, admin, push,
                Accounts.defaults());
    }

    /** Without a {@code push} section: push with its defaults. */
    public ServerConfig(Network network, Storage storage, Cluster cluster, Limits limits, Timing timing,
                        Passwords passwords, Observability observability, Retention retention, Admin admin) {
        this(network, storage, cluster, limits, timing, passwords, observability, retention, admin, Push.defaults());
    }

    public ServerConfig {
        require(network != null, "server", "must be set");
        require(storage != null, "storage", "must be set");
        require(cluster != null, "cluster", "must be set");
        require(limits != null, "limits", "must be set");
        require(timing != null, "timing", "must be set");
        require(passwords != null, "passwords", "must be set");
        require(observability != null, "observability", "must be set");
        require(retention != null, "retention", "must be set");
        require(admin != null, "admin", "must be set");
        require(push != null, "push", "must be set");
        require(accounts != null, "accounts", "must be set");
        require(people != null, "people", "must be set");
        require(messages != null, "messages", "must be set");
        require(attachments != null, "attachments", "must be set");
        require(pull != null, "pull", "must be set");
    }

    /**
     * Every setting at its default, as declared in {@link dev.parley.server.config.Settings} (the
     * one place defaults are written; each section's {@code defaults()} is its part of this).
     */
    public static ServerConfig defaults() {
        return Defaults.CONFIG;
    }

    /** Built on first use, after the settings' declarations are loaded. */
    private static final class Defaults {
        static final ServerConfig CONFIG = dev.parley.server.config.SettingValues.defaults().toConfig();
    }

    public String host() {
        return network.host();
    }

    public int port() {
        return network.port();
    }

    public Path dataDir() {
        return storage.dataDir();
    }

    public Durability durability() {
        return storage.durability();
    }

    public int nodeNumber() {
        return cluster.nodeNumber();
    }

    public ServerConfig withNetwork(Network n) {
        return with((Object) n);
    }

    public ServerConfig withStorage(Storage s) {
        return with((Object) s);
    }

    public ServerConfig withCluster(Cluster c) {
        return with((Object) c);
    }

    public ServerConfig withLimits(Limits l) {
        return with((Object) l);
    }

    public ServerConfig withTiming(Timing t) {
        return with((Object) t);
    }

    public ServerConfig withPasswords(Passwords p) {
        return with((Object) p);
    }

    public ServerConfig withObservability(Observability o) {
        return with((Object) o);
    }

    public ServerConfig withRetention(Retention r) {
        return with((Object) r);
    }

    public ServerConfig withAdmin(Admin a) {
        return with((Object) a);
    }

    public ServerConfig withPush(Push p) {
        return with((Object) p);
    }

    public ServerConfig withAccounts(Accounts a) {
        return with((Object) a);
    }

    public ServerConfig withAttachments(Attachments a) {
        return with((Object) a);
    }

    public ServerConfig withPeople(People p) {
        return with((Object) p);
    }

    public ServerConfig withMessages(Messages m) {
        return with((Object) m);
    }

    public ServerConfig withPull(Pull p) {
        return with((Object) p);
    }

    /** This configuration with {@code section} (one of the section records) in place of its current one. */
    private ServerConfig with(Object section) {
        return new ServerConfig(section instanceof Network n1 ? n1 : network, section instanceof Storage s2 ? s2 : storage,
                section instanceof Cluster c3 ? c3 : cluster, section instanceof Limits l4 ? l4 : limits,
                section instanceof Timing t5 ? t5 : timing, section instanceof Passwords p6 ? p6 : passwords,
                section instanceof Observability o7 ? o7 : observability,
                section instanceof Retention r8 ? r8 : retention, section instanceof Admin a9 ? a9 : admin,
                section instanceof Push p10 ? p10 : push, section instanceof Accounts a11 ? a11 : accounts,
                section instanceof People p12 ? p12 : people, section instanceof Messages m13 ? m13 : messages,
                section instanceof Attachments a14 ? a14 : attachments, section instanceof Pull p15 ? p15 : pull);
    }

    public ServerConfig withAddress(String host, int port) {
        return withNetwork(new Network(host, port, network.tlsCertificate(), network.tlsKey(), network.transport()));
    }

    public ServerConfig withTransport(SocketTransport transport) {
        return withNetwork(new Network(network.host(), network.port(), network.tlsCertificate(), network.tlsKey(),
                transport));
    }

    public ServerConfig withDataDir(Path dir) {
        return withStorage(storage.withDataDir(dir));
    }

    public ServerConfig withDurability(Durability d) {
        return withStorage(storage.withDurability(d));
    }

    static void require(boolean ok, String setting, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(setting + ": " + problem);
        }
    }

    /**
     * Where the node listens, its TLS certificate and key (PEM files) when it serves TLS itself, and
     * the socket transport its event loops use.
     */
    public record Network(String host, int port, Path tlsCertificate, Path tlsKey, SocketTransport transport) {
        public Network {
            Settings.SERVER_HOST.check(host);
            Settings.SERVER_PORT.check(port);
            Settings.SERVER_TRANSPORT.check(transport);
            require((tlsCertificate == null) == (tlsKey == null), "server.tlsCertificate",
                    "server.tlsCertificate and server.tlsKey must be given together");
        }

        public static Network defaults() {
            return ServerConfig.defaults().network();
        }

        public boolean tls() {
            return tlsCertificate != null;
        }
    }

    /** Which database engine holds the data. */
    public enum StorageType {
        SQLITE, POSTGRES;

        public static StorageType parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "sqlite" -> SQLITE;
                case "postgres", "postgresql" -> POSTGRES;
                default -> throw new IllegalArgumentException("must be 'sqlite' or 'postgres', not '" + s + "'");
            };
        }
    }

    /**
     * Storage: SQLite under {@code dataDir} (one node), or PostgreSQL (a cluster). With PostgreSQL,
     * {@code postgresUrls} lists one JDBC URL per shard; the first shard also holds per-user state
     * when there is one.
     */
    public record Storage(StorageType type, Path dataDir, Durability durability, int readers, int maxBatch,
                          List<String> postgresUrls, String postgresUser, String postgresPassword, int postgresPoolSize,
                          boolean hotLog) {
        public Storage {
            Settings.STORAGE_TYPE.check(type);
            Settings.STORAGE_DATA_DIR.check(dataDir);
            Settings.STORAGE_DURABILITY.check(durability);
            Settings.STORAGE_READERS.check(readers);
            Settings.STORAGE_MAX_BATCH.check(maxBatch);
            postgresUrls = postgresUrls == null ? List.of() : List.copyOf(postgresUrls);
            require(type != StorageType.POSTGRES || !postgresUrls.isEmpty(), "storage.postgresUrls",
                    "must name at least one database when storage.type is postgres");
            for (String url : postgresUrls) {
                require(url.startsWith("jdbc:postgresql://"), "storage.postgresUrls",
                        "each must start with jdbc:postgresql://, not '" + url + "'");
            }
            Settings.STORAGE_POSTGRES_POOL_SIZE.check(postgresPoolSize);
        }

        public static Storage defaults() {
            return ServerConfig.defaults().storage();
        }

        public Storage withDataDir(Path dir) {
            return new Storage(type, dir, durability, readers, maxBatch, postgresUrls, postgresUser, postgresPassword,
                    postgresPoolSize, hotLog);
        }

        public Storage withDurability(Durability d) {
            return new Storage(type, dataDir, d, readers, maxBatch, postgresUrls, postgresUser, postgresPassword,
                    postgresPoolSize, hotLog);
        }

        public Storage withHotLog(boolean on) {
            return new Storage(type, dataDir, durability, readers, maxBatch, postgresUrls, postgresUser, postgresPassword,
                    postgresPoolSize, on);
        }

        public Storage withPostgres(List<String> urls, String user, String password) {
            return new Storage(StorageType.POSTGRES, dataDir, durability, readers, maxBatch, urls, user, password,
                    postgresPoolSize, hotLog);
        }

        @Override
        public String toString() {
            return "Storage[type=" + type + ", dataDir=" + dataDir + ", durability=" + durability + ", readers=" + readers
                    + ", maxBatch=" + maxBatch + ", postgresUrls=" + postgresUrls + ", postgresUser=" + postgresUser
                    + ", postgresPassword=" + (postgresPassword == null ? "none" : "***") + ", hotLog=" + hotLog + "]";
        }
    }

    /** Which routing and presence the node uses: in-process (one node) or Redis (a cluster). */
    public enum ClusterType {
        LOCAL, REDIS;

        public static ClusterType parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "local" -> LOCAL;
                case "redis" -> REDIS;
                default -> throw new IllegalArgumentException("must be 'local' or 'redis', not '" + s + "'");
            };
        }
    }

    /**
     * Cluster membership: this node's number (unique per cluster, 0 to 31), Redis, the key
     * namespace the cluster uses there, and how long a node that stops heartbeating counts as
     * alive.
     */
    public record Cluster(ClusterType type, int nodeNumber, String redisUri, String redisNamespace, Duration nodeTtl) {
        public Cluster {
            Settings.CLUSTER_TYPE.check(type);
            Settings.CLUSTER_NODE_NUMBER.check(nodeNumber);
            require(type != ClusterType.REDIS || (redisUri != null && redisUri.startsWith("redis")), "cluster.redisUri",
                    "must be a redis:// or rediss:// URI when cluster.type is redis");
            Settings.CLUSTER_REDIS_NAMESPACE.check(redisNamespace);
            Settings.CLUSTER_NODE_TTL.check(nodeTtl);
        }

        public static Cluster defaults() {
            return ServerConfig.defaults().cluster();
        }

        public static Cluster redis(int nodeNumber, String uri, String namespace) {
            return new Cluster(ClusterType.REDIS, nodeNumber, uri, namespace,
                    dev.parley.server.config.Settings.CLUSTER_NODE_TTL.fallback());
        }
    }

    /** Metrics and log output. */
    public record Observability(boolean metrics, boolean jsonLogs, String logLevel) {
        public Observability {
            Settings.OBSERVABILITY_LOG_LEVEL.check(logLevel);
        }

        public static Observability defaults() {
            return ServerConfig.defaults().observability();
        }
    }

    /**
     * The administration API: its bearer token, and the address it is served on, apart from the
     * public port (loopback by default). When no token is configured, a single node makes one at
     * start-up and keeps it in {@code DATA/admin.token} (readable by its owner only); port 0 takes
     * a free port. Either way the node writes the API's URL to {@code DATA/admin.url}, and
     * {@code parley admin --data DIR} reads both.
     */
    public record Admin(String token, String host, int port) {
        public Admin {
            Settings.ADMIN_TOKEN.check(token);
            Settings.ADMIN_HOST.check(host);
            Settings.ADMIN_PORT.check(port);
        }

        public Admin(String token) {
            this(token, dev.parley.server.config.Settings.ADMIN_HOST.fallback(),
                    dev.parley.server.config.Settings.ADMIN_PORT.fallback());
        }

        public static Admin defaults() {
            return ServerConfig.defaults().admin();
        }

        @Override
        public String toString() {
            return "Admin[token=" + (token == null ? "generated" : "***") + ", host=" + host + ", port=" + port + "]";
        }
    }

    /**
     * Who may register, and how hard logins may be tried (docs/operations.md, "Limits and abuse"):
     * the registration mode; registrations per client address and failed logins per account and
     * per address, each a number per window; how many accounts and addresses each node tracks;
     * the password-hashing pool ({@code hashingThreads}, 0 for one per core, and the requests that
     * may wait for it); and the proxies whose {@code X-Forwarded-For} names the client's address.
     */
    public record Accounts(RegistrationMode registration, int registrationsPerAddress, Duration registrationWindow,
                           int loginFailuresPerAccount, int loginFailuresPerAddress, Duration loginFailureWindow,
                           int trackedKeys, int hashingThreads, int hashingQueue, List<String> trustedProxies) {
        public Accounts {
            Settings.ACCOUNTS_REGISTRATION.check(registration);
            Settings.ACCOUNTS_REGISTRATIONS_PER_ADDRESS.check(registrationsPerAddress);
            Settings.ACCOUNTS_REGISTRATION_WINDOW.check(registrationWindow);
            Settings.ACCOUNTS_LOGIN_FAILURES_PER_ACCOUNT.check(loginFailuresPerAccount);
            Settings.ACCOUNTS_LOGIN_FAILURES_PER_ADDRESS.check(loginFailuresPerAddress);
            Settings.ACCOUNTS_LOGIN_FAILURE_WINDOW.check(loginFailureWindow);
            Settings.ACCOUNTS_TRACKED_KEYS.check(trackedKeys);
            Settings.ACCOUNTS_HASHING_THREADS.check(hashingThreads);
            Settings.ACCOUNTS_HASHING_QUEUE.check(hashingQueue);
            trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        }

        public static Accounts defaults() {
            return ServerConfig.defaults().accounts();
        }

        /** No practical registration or login limit: for load generators only. */
        public static Accounts unlimitedForLoadTests() {
            return new Accounts(RegistrationMode.OPEN, 1_000_000_000, Duration.ofSeconds(1), 1_000_000_000,
                    1_000_000_000, Duration.ofSeconds(1), 1_000, 0, 100_000, List.of());
        }

        public Accounts withRegistration(RegistrationMode mode) {
            return new Accounts(mode, registrationsPerAddress, registrationWindow, loginFailuresPerAccount,
                    loginFailuresPerAddress, loginFailureWindow, trackedKeys, hashingThreads, hashingQueue, trustedProxies);
        }

        /** The limits as the domain takes them. */
        public AccountLimits limits() {
            return new AccountLimits(registration, new Rate(registrationsPerAddress, registrationWindow),
                    new Rate(loginFailuresPerAccount, loginFailureWindow), new Rate(loginFailuresPerAddress,
                    loginFailureWindow), trackedKeys);
        }

        /** Threads hashing passwords: {@code hashingThreads}, or one per core. */
        public int hashingThreadCount() {
            return hashingThreads > 0 ? hashingThreads : Math.max(1, Runtime.getRuntime().availableProcessors());
        }
    }

    /**
     * What senders may do with their messages afterwards: {@code editWindow} is how long after
     * sending one its sender may edit it ({@link Duration#ZERO}: never).
     */
    public record Messages(Duration editWindow) {
        public Messages {
            Settings.MESSAGES_EDIT_WINDOW.check(editWindow);
        }

        public static Messages defaults() {
            return ServerConfig.defaults().messages();
        }
    }

    /** How long messages are kept; {@link Duration#ZERO} keeps them forever (the default). */
    public record Retention(Duration messages) {
        public Retention {
            Settings.RETENTION_MESSAGES.check(messages);
        }

        public static Retention defaults() {
            return ServerConfig.defaults().retention();
        }

        public boolean forever() {
            return messages.isZero();
        }
    }

    /**
     * Limits on every external input. {@code preAuthBytes} is what a WebSocket may send before its
     * {@code auth} is accepted; {@code maxConnectionsPerAddress} caps the open connections (HTTP
     * and WebSocket) from one source address, 0 for no cap; {@code arrivals} bounds the devices
     * arriving at once (from {@code auth} to live, catch-up included), node-wide.
     */
    public record Limits(int maxFrameBytes, int hardFrameBytes, int maxBodyBytes, int sendsPerSecond, int sendBurst,
                         int framesPerSecond, int frameBurst, int maxPageSize, int outboundQueueBytes,
                         int maxHttpBodyBytes, int maxGroupSize, int maxCatchUp, int preAuthBytes,
                         int maxConnectionsPerAddress, int arrivals) {
        public Limits {
            Settings.LIMITS_MAX_FRAME_BYTES.check(maxFrameBytes);
            require(hardFrameBytes >= maxFrameBytes, "limits.hardFrameBytes", "must be at least limits.maxFrameBytes");
            require(maxBodyBytes >= 1 && maxBodyBytes <= maxFrameBytes - 256, "limits.maxBodyBytes",
                    "must be 1 to limits.maxFrameBytes - 256");
            Settings.LIMITS_SENDS_PER_SECOND.check(sendsPerSecond);
            Settings.LIMITS_SEND_BURST.check(sendBurst);
            Settings.LIMITS_FRAMES_PER_SECOND.check(framesPerSecond);
            Settings.LIMITS_FRAME_BURST.check(frameBurst);
            Settings.LIMITS_MAX_PAGE_SIZE.check(maxPageSize);
            Settings.LIMITS_OUTBOUND_QUEUE_BYTES.check(outboundQueueBytes);
            Settings.LIMITS_MAX_HTTP_BODY_BYTES.check(maxHttpBodyBytes);
            Settings.LIMITS_MAX_GROUP_SIZE.check(maxGroupSize);
            Settings.LIMITS_MAX_CATCH_UP.check(maxCatchUp);
            require(preAuthBytes >= maxFrameBytes, "limits.preAuthBytes",
                    "must be at least limits.maxFrameBytes (the auth frame must fit)");
            Settings.LIMITS_MAX_CONNECTIONS_PER_ADDRESS.check(maxConnectionsPerAddress);
            Settings.LIMITS_ARRIVALS.check(arrivals);
        }

        /** With the arrivals at their default. */
        public Limits(int maxFrameBytes, int hardFrameBytes, int maxBodyBytes, int sendsPerSecond, int sendBurst,
                      int framesPerSecond, int frameBurst, int maxPageSize, int outboundQueueBytes, int maxHttpBodyBytes,
                      int maxGroupSize, int maxCatchUp, int preAuthBytes, int maxConnectionsPerAddress) {
            this(maxFrameBytes, hardFrameBytes, maxBodyBytes, sendsPerSecond, sendBurst, framesPerSecond, frameBurst,
                    maxPageSize, outboundQueueBytes, maxHttpBodyBytes, maxGroupSize, maxCatchUp, preAuthBytes,
                    maxConnectionsPerAddress, Settings.LIMITS_ARRIVALS.fallback());
        }

        /** With the budget before {@code auth} at its default (room for one largest frame and some pings) and no cap per address. */
        public Limits(int maxFrameBytes, int hardFrameBytes, int maxBodyBytes, int sendsPerSecond, int sendBurst,
                      int framesPerSecond, int frameBurst, int maxPageSize, int outboundQueueBytes, int maxHttpBodyBytes,
                      int maxGroupSize, int maxCatchUp) {
            this(maxFrameBytes, hardFrameBytes, maxBodyBytes, sendsPerSecond, sendBurst, framesPerSecond, frameBurst,
                    maxPageSize, outboundQueueBytes, maxHttpBodyBytes, maxGroupSize, maxCatchUp,
                    defaultPreAuthBytes(maxFrameBytes),
                    dev.parley.server.config.Settings.LIMITS_MAX_CONNECTIONS_PER_ADDRESS.fallback());
        }

        /** The auth frame may be as large as any frame; 16 KiB more leaves room for pings while it is checked. */
        public static int defaultPreAuthBytes(int maxFrameBytes) {
            return maxFrameBytes + 16 * 1024;
        }

        public static Limits defaults() {
            return ServerConfig.defaults().limits();
        }

        public Limits withSendRate(int perSecond, int burst) {
            return new Limits(maxFrameBytes, hardFrameBytes, maxBodyBytes, perSecond, burst, Math.max(framesPerSecond,
                    perSecond * 4), Math.max(frameBurst, burst * 4), maxPageSize, outboundQueueBytes, maxHttpBodyBytes,
                    maxGroupSize, maxCatchUp, preAuthBytes, maxConnectionsPerAddress, arrivals);
        }

        public Limits withOutboundQueueBytes(int bytes) {
            return new Limits(maxFrameBytes, hardFrameBytes, maxBodyBytes, sendsPerSecond, sendBurst, framesPerSecond,
                    frameBurst, maxPageSize, bytes, maxHttpBodyBytes, maxGroupSize, maxCatchUp, preAuthBytes,
                    maxConnectionsPerAddress, arrivals);
        }

        public Limits withMaxGroupSize(int size) {
            return new Limits(maxFrameBytes, hardFrameBytes, maxBodyBytes, sendsPerSecond, sendBurst, framesPerSecond,
                    frameBurst, maxPageSize, outboundQueueBytes, maxHttpBodyBytes, size, maxCatchUp, preAuthBytes,
                    maxConnectionsPerAddress, arrivals);
        }

        public Limits withMaxCatchUp(int messages) {
            return new Limits(maxFrameBytes, hardFrameBytes, maxBodyBytes, sendsPerSecond, sendBurst, framesPerSecond,
                    frameBurst, maxPageSize, outboundQueueBytes, maxHttpBodyBytes, maxGroupSize, messages, preAuthBytes,
                    maxConnectionsPerAddress, arrivals);
        }

        public Limits withFrameRate(int perSecond, int burst) {
            return new Limits(maxFrameBytes, hardFrameBytes, maxBodyBytes, sendsPerSecond, sendBurst, perSecond, burst,
                    maxPageSize, outboundQueueBytes, maxHttpBodyBytes, maxGroupSize, maxCatchUp, preAuthBytes,
                    maxConnectionsPerAddress, arrivals);
        }

        public Limits withArrivals(int bound) {
            return new Limits(maxFrameBytes, hardFrameBytes, maxBodyBytes, sendsPerSecond, sendBurst, framesPerSecond,
                    frameBurst, maxPageSize, outboundQueueBytes, maxHttpBodyBytes, maxGroupSize, maxCatchUp, preAuthBytes,
                    maxConnectionsPerAddress, bound);
        }

        public Limits withMaxConnectionsPerAddress(int connections) {
            return new Limits(maxFrameBytes, hardFrameBytes, maxBodyBytes, sendsPerSecond, sendBurst, framesPerSecond,
                    frameBurst, maxPageSize, outboundQueueBytes, maxHttpBodyBytes, maxGroupSize, maxCatchUp, preAuthBytes,
                    connections, arrivals);
        }
    }

    /**
     * Push notifications to devices that are not connected (docs/push.md). Web Push works with no
     * setting (the node makes its VAPID keys, in {@code vapidKeyFile}, default DATA/vapid.json); FCM,
     * APNs and webhooks are on when their key, key file or secret is given. The base URLs point the
     * providers elsewhere (a test endpoint); {@code trustCertificates} replaces the JDK's trusted
     * authorities for the node's push requests; {@code allowLoopbackTargets} is for tests only.
     */
    public record Push(boolean enabled, PushContent content, Duration coalesceWindow, int queueCapacity,
                       int maxAttempts, int previewChars, String vapidSubject, Path vapidKeyFile,
                       String fcmProjectId, Path fcmServiceAccountFile, String fcmBaseUrl,
                       Path apnsKeyFile, String apnsKeyId, String apnsTeamId, String apnsTopic, String apnsBaseUrl,
                       String webhookSecret, boolean allowLoopbackTargets, Path trustCertificates,
                       Duration requestTimeout) {
        public Push {
            Settings.PUSH_CONTENT.check(content);
            Settings.PUSH_COALESCE_WINDOW.check(coalesceWindow);
            Settings.PUSH_QUEUE_CAPACITY.check(queueCapacity);
            Settings.PUSH_MAX_ATTEMPTS.check(maxAttempts);
            Settings.PUSH_PREVIEW_CHARS.check(previewChars);
            Settings.PUSH_VAPID_SUBJECT.check(vapidSubject);
            Settings.PUSH_FCM_BASE_URL.check(fcmBaseUrl);
            Settings.PUSH_APNS_BASE_URL.check(apnsBaseUrl);
            require(apnsKeyFile == null || (apnsKeyId != null && apnsTeamId != null && apnsTopic != null),
                    "push.apnsKeyFile", "needs push.apnsKeyId, push.apnsTeamId and push.apnsTopic");
            Settings.PUSH_REQUEST_TIMEOUT.check(requestTimeout);
        }

        public static Push defaults() {
            return ServerConfig.defaults().push();
        }

        /** The VAPID key file: {@code vapidKeyFile}, or vapid.json in the data directory. */
        public Path vapidKeyFile(Path dataDir) {
            return vapidKeyFile != null ? vapidKeyFile : dataDir.resolve("vapid.json");
        }

        @Override
        public String toString() {
            return "Push[enabled=" + enabled + ", content=" + content + ", coalesceWindow=" + coalesceWindow
                    + ", fcm=" + (fcmServiceAccountFile != null) + ", apns=" + (apnsKeyFile != null)
                    + ", webhookSecret=" + (webhookSecret == null ? "none" : "***") + "]";
        }
    }

    /**
     * Profiles, message requests, deleted accounts and reports (docs/operations.md, "People"):
     * when a new direct conversation is a message request, what happens to a deleted account's
     * messages, the largest avatar upload and the size avatars are stored at, and how many
     * reports a user may file a day.
     */
    public record People(dev.parley.core.request.RequestRule messageRequests,
                         dev.parley.core.account.AccountDeletion.Messages deletedAccountMessages, int maxAvatarBytes,
                         int avatarPixels, int reportsPerDay) {
        public People {
            Settings.PEOPLE_MESSAGE_REQUESTS.check(messageRequests);
            Settings.PEOPLE_DELETED_ACCOUNT_MESSAGES.check(deletedAccountMessages);
            Settings.PEOPLE_MAX_AVATAR_BYTES.check(maxAvatarBytes);
            Settings.PEOPLE_AVATAR_PIXELS.check(avatarPixels);
            Settings.PEOPLE_REPORTS_PER_DAY.check(reportsPerDay);
        }

        public static People defaults() {
            return ServerConfig.defaults().people();
        }

        public People withMessageRequests(dev.parley.core.request.RequestRule rule) {
            return new People(rule, deletedAccountMessages, maxAvatarBytes, avatarPixels, reportsPerDay);
        }

        public People withDeletedAccountMessages(dev.parley.core.account.AccountDeletion.Messages policy) {
            return new People(messageRequests, policy, maxAvatarBytes, avatarPixels, reportsPerDay);
        }
    }

    /**
     * Attachments (docs/operations.md, "Attachments"): whether the node takes uploads, the largest
     * upload, each user's quota over all their uploads, how many attachments one message carries,
     * how long an upload may wait to be sent before it is removed, the types (as sniffed from the
     * content) the node accepts, the directory the bytes live in (null: {@code attachments}
     * under the data directory), and the S3-compatible object store that holds them instead when
     * {@code objectStore} is set ({@code attachments.store: s3}; uploads are then still received
     * into the directory's {@code incoming}).
     */
    public record Attachments(boolean enabled, long maxBytes, long quotaBytes, int perMessage, Duration unsentExpiry,
                              List<String> allowedTypes, Path directory, ObjectStore objectStore) {
        /** What the node accepts unless configured otherwise: no executables, no unknown binaries. */
        public static final List<String> DEFAULT_TYPES = List.of("image/jpeg", "image/png", "image/gif", "image/webp",
                "application/pdf", "application/zip", "application/gzip", "application/x-7z-compressed", "text/plain",
                "audio/mpeg", "audio/ogg", "audio/wav", "audio/flac", "video/mp4", "video/webm");

        public Attachments {
            Settings.ATTACHMENTS_MAX_BYTES.check(maxBytes);
            require(quotaBytes >= maxBytes, "attachments.quotaBytes", "must be at least attachments.maxBytes");
            Settings.ATTACHMENTS_PER_MESSAGE.check(perMessage);
            Settings.ATTACHMENTS_UNSENT_EXPIRY.check(unsentExpiry);
            Settings.ATTACHMENTS_ALLOWED_TYPES.check(allowedTypes);
            allowedTypes = List.copyOf(allowedTypes);
        }

        public Attachments(boolean enabled, long maxBytes, long quotaBytes, int perMessage, Duration unsentExpiry,
                           List<String> allowedTypes, Path directory) {
            this(enabled, maxBytes, quotaBytes, perMessage, unsentExpiry, allowedTypes, directory, null);
        }

        public static Attachments defaults() {
            return ServerConfig.defaults().attachments();
        }

        /** Where the bytes live: {@code directory}, or {@code attachments} under the data directory. */
        public Path directory(Path dataDir) {
            return directory != null ? directory : dataDir.resolve("attachments");
        }

        public Attachments withLimits(long max, long quota) {
            return new Attachments(enabled, max, quota, perMessage, unsentExpiry, allowedTypes, directory, objectStore);
        }

        public Attachments withUnsentExpiry(Duration expiry) {
            return new Attachments(enabled, maxBytes, quotaBytes, perMessage, expiry, allowedTypes, directory, objectStore);
        }

        public Attachments withDirectory(Path dir) {
            return new Attachments(enabled, maxBytes, quotaBytes, perMessage, unsentExpiry, allowedTypes, dir, objectStore);
        }

        public Attachments withAllowedTypes(List<String> types) {
            return new Attachments(enabled, maxBytes, quotaBytes, perMessage, unsentExpiry, types, directory, objectStore);
        }

        /** The bytes in {@code store} instead of the directory (null: back in the directory). */
        public Attachments withObjectStore(ObjectStore store) {
            return new Attachments(enabled, maxBytes, quotaBytes, perMessage, unsentExpiry, allowedTypes, directory, store);
        }
    }

    /**
     * An S3-compatible object store for attachments' bytes ({@code attachments.store: s3}): the
     * service's endpoint (null: AWS S3 in {@code region}), the bucket (which must exist), the
     * region, the access key pair (both null: the AWS SDK's default credentials, from its
     * environment variables, profile file or instance role), and whether buckets are addressed
     * in the path ({@code http://host/bucket/key}, as most self-hosted stores want) rather than the
     * host name.
     */
    public record ObjectStore(String endpoint, String bucket, String region, String accessKey, String secretKey,
                              boolean pathStyle) {
        public ObjectStore {
            require(bucket != null && !bucket.isBlank(), "attachments.s3Bucket", "must be set when attachments.store is s3");
            Settings.ATTACHMENTS_S3_BUCKET.check(bucket);
            Settings.ATTACHMENTS_S3_REGION.check(region);
            Settings.ATTACHMENTS_S3_ENDPOINT.check(endpoint);
            require((accessKey == null) == (secretKey == null), "attachments.s3AccessKey",
                    "give both attachments.s3AccessKey and attachments.s3SecretKey, or neither");
        }

        /** The store's settings without the secret key (a record would print it). */
        @Override
        public String toString() {
            return "ObjectStore[endpoint=" + endpoint + ", bucket=" + bucket + ", region=" + region + ", accessKey="
                    + accessKey + ", secretKey=" + (secretKey == null ? null : "(hidden)") + ", pathStyle=" + pathStyle + "]";
        }
    }

    /**
     * Heartbeats, timeouts and grace periods. An HTTP connection must deliver each request's head
     * within {@code requestHeaderTimeout} (counted from the connection's start or the previous
     * answer); a request body that stops arriving, or an answer the client does not take, closes
     * it after {@code idleTimeout}. WebSockets are governed by the heartbeat instead.
     */
    public record Timing(Duration heartbeat, Duration authTimeout, Duration presenceGrace, Duration typingExpiry,
                         Duration requestHeaderTimeout, Duration idleTimeout) {
        public Timing {
            Settings.TIMING_HEARTBEAT.check(heartbeat);
            Settings.TIMING_AUTH_TIMEOUT.check(authTimeout);
            Settings.TIMING_PRESENCE_GRACE.check(presenceGrace);
            Settings.TIMING_TYPING_EXPIRY.check(typingExpiry);
            Settings.TIMING_REQUEST_HEADER_TIMEOUT.check(requestHeaderTimeout);
            Settings.TIMING_IDLE_TIMEOUT.check(idleTimeout);
        }

        /** With the HTTP timeouts at their defaults. */
        public Timing(Duration heartbeat, Duration authTimeout, Duration presenceGrace, Duration typingExpiry) {
            this(heartbeat, authTimeout, presenceGrace, typingExpiry,
                    dev.parley.server.config.Settings.TIMING_REQUEST_HEADER_TIMEOUT.fallback(),
                    dev.parley.server.config.Settings.TIMING_IDLE_TIMEOUT.fallback());
        }

        public static Timing defaults() {
            return ServerConfig.defaults().timing();
        }

        public Timing withHttpTimeouts(Duration requestHeader, Duration idle) {
            return new Timing(heartbeat, authTimeout, presenceGrace, typingExpiry, requestHeader, idle);
        }
    }

    /**
     * Argon2id parameters. The defaults are OWASP's minimum (19 MiB, 2 iterations, 1 lane); tests
     * and benchmarks that create thousands of users lower them.
     */
    public record Passwords(int memoryKiB, int iterations, int parallelism) {
        public Passwords {
            Settings.PASSWORDS_MEMORY_KIB.check(memoryKiB);
            Settings.PASSWORDS_ITERATIONS.check(iterations);
            Settings.PASSWORDS_PARALLELISM.check(parallelism);
        }

        public static Passwords defaults() {
            return ServerConfig.defaults().passwords();
        }

        /** Cheap hashing for tests and load generation only; never for real accounts. */
        public static Passwords fastForTests() {
            return new Passwords(64, 1, 1);
        }
    }

    /**
     * The pull model (docs/operations.md, "Pull"): how long a {@code /v1/sync} long poll may be
     * held, how many entries one page holds at most, and how many long polls may wait at once
     * for one user and from one client address.
     */
    public record Pull(Duration maxWait, int maxPageEntries, int maxWaitingPerUser, int maxWaitingPerAddress) {
        public Pull {
            Settings.PULL_MAX_WAIT.check(maxWait);
            Settings.PULL_MAX_PAGE_ENTRIES.check(maxPageEntries);
            Settings.PULL_MAX_WAITING_PER_USER.check(maxWaitingPerUser);
            Settings.PULL_MAX_WAITING_PER_ADDRESS.check(maxWaitingPerAddress);
        }

        public static Pull defaults() {
            return ServerConfig.defaults().pull();
        }

        public Pull withMaxWaiting(int perUser, int perAddress) {
            return new Pull(maxWait, maxPageEntries, perUser, perAddress);
        }

        public Pull withMaxWait(Duration wait) {
            return new Pull(wait, maxPageEntries, maxWaitingPerUser, maxWaitingPerAddress);
        }

        public Pull withMaxPageEntries(int entries) {
            return new Pull(maxWait, entries, maxWaitingPerUser, maxWaitingPerAddress);
        }
    }
}
