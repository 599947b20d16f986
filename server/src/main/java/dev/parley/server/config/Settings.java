package dev.parley.server.config;

import dev.parley.core.account.AccountDeletion;
import dev.parley.core.account.AccountLimits;
import dev.parley.core.account.RegistrationMode;
import dev.parley.core.message.MessageService;
import dev.parley.core.push.PushContent;
import dev.parley.core.request.RequestRule;
import dev.parley.protocol.FrameCodec;
import dev.parley.server.ServerConfig.Attachments;
import dev.parley.server.ServerConfig.ClusterType;
import dev.parley.server.ServerConfig.StorageType;
import dev.parley.server.SocketTransport;
import dev.parley.store.Durability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import static dev.parley.server.config.Kind.BOOLEAN;
import static dev.parley.server.config.Kind.BYTES;
import static dev.parley.server.config.Kind.COUNT;
import static dev.parley.server.config.Kind.DURATION;
import static dev.parley.server.config.Kind.LARGE_BYTES;
import static dev.parley.server.config.Kind.LIST;
import static dev.parley.server.config.Kind.PATH;
import static dev.parley.server.config.Kind.STRING;

/**
 * Every setting a node reads, each declared once, in the order docs/operations.md lists them.
 * The loader's schema and environment names, the settings table in docs/operations.md and the
 * defaults of {@link dev.parley.server.ServerConfig} all come from here. To add a setting: declare
 * it here, give its section's record a field, and set that field in {@link SettingValues#toConfig}.
 */
public final class Settings {
    private static final List<Setting<?>> DECLARED = new ArrayList<>();
    private static final AccountLimits ACCOUNT_LIMITS = AccountLimits.defaults();

    public static final Setting<String> SERVER_HOST = add(of("server", "host", STRING, "127.0.0.1", "address to listen on")
            .valid(v -> v != null && !v.isBlank(), "must not be empty"));
    public static final Setting<Integer> SERVER_PORT = add(of("server", "port", COUNT, 8080, "HTTP and WebSocket port")
            .valid(v -> v >= 0 && v <= 65535, "must be 0 to 65535"));
    public static final Setting<Path> SERVER_TLS_CERTIFICATE = add(of("server", "tlsCertificate", PATH, null,
            "PEM certificate chain; with server.tlsKey the node serves HTTPS/WSS"));
    public static final Setting<Path> SERVER_TLS_KEY = add(of("server", "tlsKey", PATH, null,
            "PEM private key of server.tlsCertificate"));
    public static final Setting<SocketTransport> SERVER_TRANSPORT = add(of("server", "transport",
            Kind.choice(SocketTransport::parse, SocketTransport::wire), SocketTransport.EPOLL,
            "socket I/O of the event loops: `io_uring`, `epoll` or `nio`; one this host cannot run falls back to the"
                    + " next in that order (logged)")
            .valid(v -> v != null, "must be 'io_uring', 'epoll' or 'nio'"));

    public static final Setting<StorageType> STORAGE_TYPE = add(of("storage", "type",
            Kind.choice(StorageType::parse, t -> t.name().toLowerCase(Locale.ROOT)), StorageType.SQLITE,
            "`sqlite` (one node) or `postgres` (cluster)")
            .valid(v -> v != null, "must be 'sqlite' or 'postgres'"));
    public static final Setting<Path> STORAGE_DATA_DIR = add(of("storage", "dataDir", PATH, Path.of("data"),
            "SQLite database, admin token, push keys, lock, marker and pid files; created owner-only (0700), held by one"
                    + " node at a time").shownAs("./data")
            .valid(v -> v != null, "must be set"));
    public static final Setting<Durability> STORAGE_DURABILITY = add(of("storage", "durability",
            Kind.choice(Durability::parse, Durability::wire), Durability.FSYNC,
            "`fsync`: a confirmed message survives power loss; `os`: survives a crash of the process")
            .valid(v -> v != null, "must be 'fsync' or 'os'"));
    public static final Setting<Integer> STORAGE_READERS = add(of("storage", "readers", COUNT, 4,
            "read-only SQLite connections")
            .valid(v -> v >= 1 && v <= 64, "must be 1 to 64"));
    public static final Setting<Integer> STORAGE_MAX_BATCH = add(of("storage", "maxBatch", COUNT, 1024,
            "writes committed together at most")
            .valid(v -> v >= 1 && v <= 100_000, "must be 1 to 100000"));
    public static final Setting<Boolean> STORAGE_HOT_LOG = add(of("storage", "hotLog", BOOLEAN, false,
            "SQLite: plain messages are acknowledged once an append-only log in `DATA/log` holds them, and their"
                    + " rows go into SQLite behind it (issue 19, stage 3; docs/storage.md, \"The hot log\"); a database"
                    + " file made with it on has 4 KiB pages instead of 1 KiB, kept for the file's life"));
    public static final Setting<List<String>> STORAGE_POSTGRES_URLS = add(of("storage", "postgresUrls", LIST, List.of(),
            "PostgreSQL shards (cluster), one `jdbc:postgresql://` URL each; the first also holds per-user state"));
    public static final Setting<String> STORAGE_POSTGRES_USER = add(of("storage", "postgresUser", STRING, null,
            "PostgreSQL user"));
    public static final Setting<String> STORAGE_POSTGRES_PASSWORD = add(of("storage", "postgresPassword", STRING, null,
            "PostgreSQL password").asSecret());
    public static final Setting<Integer> STORAGE_POSTGRES_POOL_SIZE = add(of("storage", "postgresPoolSize", COUNT, 8,
            "connections per PostgreSQL shard")
            .valid(v -> v >= 1 && v <= 200, "must be 1 to 200"));

    public static final Setting<ClusterType> CLUSTER_TYPE = add(of("cluster", "type",
            Kind.choice(ClusterType::parse, t -> t.name().toLowerCase(Locale.ROOT)), ClusterType.LOCAL,
            "`local` or `redis`")
            .valid(v -> v != null, "must be 'local' or 'redis'"));
    public static final Setting<Integer> CLUSTER_NODE_NUMBER = add(of("cluster", "nodeNumber", COUNT, 0,
            "unique per node (part of every id the node issues)")
            .valid(v -> v >= 0 && v <= 31, "must be 0 to 31"));
    public static final Setting<String> CLUSTER_REDIS_URI = add(of("cluster", "redisUri", STRING, null,
            "`redis://host:port`"));
    public static final Setting<String> CLUSTER_REDIS_NAMESPACE = add(of("cluster", "redisNamespace", STRING, "parley",
            "prefix of Parley's keys and channels (several clusters can share one Redis)")
            .valid(v -> v != null && v.matches("[A-Za-z0-9_.-]{1,64}"),
                    "must be 1 to 64 letters, digits, '_', '.' or '-'"));
    public static final Setting<Duration> CLUSTER_NODE_TTL = add(of("cluster", "nodeTtl", DURATION, Duration.ofSeconds(5),
            "how long a node that stops heartbeating still counts as alive")
            .valid(v -> v != null && v.toMillis() >= 500, "must be at least 500ms"));

    public static final Setting<Integer> LIMITS_MAX_FRAME_BYTES = add(of("limits", "maxFrameBytes", BYTES, 64 * 1024,
            "WebSocket frames above get `too_large`")
            .valid(v -> v >= 1024, "must be at least 1024"));
    public static final Setting<Integer> LIMITS_HARD_FRAME_BYTES = add(of("limits", "hardFrameBytes", BYTES, 1024 * 1024,
            "frames above close the connection (1009)"));
    public static final Setting<Integer> LIMITS_MAX_BODY_BYTES = add(of("limits", "maxBodyBytes", BYTES, 16 * 1024,
            "message text"));
    public static final Setting<Integer> LIMITS_SENDS_PER_SECOND = add(of("limits", "sendsPerSecond", COUNT, 50,
            "sends per second, per device")
            .valid(v -> v >= 1, "must be at least 1"));
    public static final Setting<Integer> LIMITS_SEND_BURST = add(of("limits", "sendBurst", COUNT, 200,
            "sends in a burst, per device")
            .valid(v -> v >= 1, "must be at least 1"));
    public static final Setting<Integer> LIMITS_FRAMES_PER_SECOND = add(of("limits", "framesPerSecond", COUNT, 500,
            "all frames per second, per connection")
            .valid(v -> v >= 1, "must be at least 1"));
    public static final Setting<Integer> LIMITS_FRAME_BURST = add(of("limits", "frameBurst", COUNT, 2000,
            "all frames in a burst, per connection")
            .valid(v -> v >= 1, "must be at least 1"));
    public static final Setting<Integer> LIMITS_MAX_PAGE_SIZE = add(of("limits", "maxPageSize", COUNT, 200,
            "history and conversation-list pages")
            .valid(v -> v >= 1 && v <= 1000, "must be 1 to 1000"));
    public static final Setting<Integer> LIMITS_OUTBOUND_QUEUE_BYTES = add(of("limits", "outboundQueueBytes", BYTES,
            4 * 1024 * 1024, "a client this far behind is disconnected (4008)")
            .valid(v -> v >= 4096, "must be at least 4096"));
    public static final Setting<Integer> LIMITS_MAX_HTTP_BODY_BYTES = add(of("limits", "maxHttpBodyBytes", BYTES, 64 * 1024,
            "REST request bodies")
            .valid(v -> v >= 1024, "must be at least 1024"));
    public static final Setting<Integer> LIMITS_MAX_GROUP_SIZE = add(of("limits", "maxGroupSize", COUNT, 1024,
            "members per group")
            .valid(v -> v >= 2, "must be at least 2"));
    public static final Setting<Integer> LIMITS_MAX_CATCH_UP = add(of("limits", "maxCatchUp", COUNT, 10_000,
            "entries per conversation replayed on resume before `resync`")
            .valid(v -> v >= 1, "must be at least 1"));
    /** Unset: {@link dev.parley.server.ServerConfig.Limits#defaultPreAuthBytes} of the frame limit. */
    public static final Setting<Integer> LIMITS_PRE_AUTH_BYTES = add(of("limits", "preAuthBytes", BYTES, null,
            "what a WebSocket may send before its `auth` is accepted; more closes it (1009)")
            .shownAs("maxFrameBytes + 16KiB (80KiB)"));
    public static final Setting<Integer> LIMITS_MAX_CONNECTIONS_PER_ADDRESS = add(of("limits", "maxConnectionsPerAddress",
            COUNT, 0, "open connections (HTTP and WebSocket) from one source address; see"
                    + " [Limits and abuse](#limits-and-abuse)").shownAs("0 (no cap)")
            .valid(v -> v >= 0, "must be 0 (no cap) or more"));

    public static final Setting<Integer> LIMITS_ARRIVALS = add(of("limits", "arrivals", COUNT, 20_000,
            "devices arriving at once (from `auth` to `ready`, or to `synced` when resuming), node-wide; beyond it"
                    + " `auth` is answered `unavailable` with a time to come back and close 1013; see"
                    + " [Stopping and restarting](#stopping-and-restarting)")
            .valid(v -> v >= 1, "must be at least 1"));

    public static final Setting<Duration> TIMING_HEARTBEAT = add(of("timing", "heartbeat", DURATION, Duration.ofSeconds(25),
            "ping every half interval; a connection silent for one interval is closed")
            .valid(v -> v != null && v.toMillis() >= 100, "must be at least 100ms"));
    public static final Setting<Duration> TIMING_AUTH_TIMEOUT = add(of("timing", "authTimeout", DURATION,
            Duration.ofSeconds(10), "time to send `auth` after connecting")
            .valid(v -> v != null && v.toMillis() >= 100, "must be at least 100ms"));
    public static final Setting<Duration> TIMING_PRESENCE_GRACE = add(of("timing", "presenceGrace", DURATION,
            Duration.ofSeconds(5), "a user stays online this long after their last connection ends")
            .valid(v -> v != null && !v.isNegative(), "must not be negative"));
    public static final Setting<Duration> TIMING_TYPING_EXPIRY = add(of("timing", "typingExpiry", DURATION,
            Duration.ofSeconds(6), "a \"typing\" not renewed ends by itself")
            .valid(v -> v != null && v.toMillis() >= 100, "must be at least 100ms"));
    public static final Setting<Duration> TIMING_REQUEST_HEADER_TIMEOUT = add(of("timing", "requestHeaderTimeout", DURATION,
            Duration.ofSeconds(10), "an HTTP request head must arrive within this, from the connection's start or the"
                    + " previous answer")
            .valid(v -> v != null && v.toMillis() >= 100, "must be at least 100ms"));
    public static final Setting<Duration> TIMING_IDLE_TIMEOUT = add(of("timing", "idleTimeout", DURATION,
            Duration.ofSeconds(60), "an HTTP request body that stops arriving, or an answer the client does not take,"
                    + " for this long closes the connection (WebSockets: the heartbeat instead)").shownAs("60s")
            .valid(v -> v != null && v.toSeconds() >= 1, "must be at least 1s"));

    public static final Setting<Integer> PASSWORDS_MEMORY_KIB = add(of("passwords", "memoryKiB", COUNT, 19 * 1024,
            "Argon2id memory in KiB (OWASP minimum)")
            .valid(v -> v >= 8, "must be at least 8"));
    public static final Setting<Integer> PASSWORDS_ITERATIONS = add(of("passwords", "iterations", COUNT, 2,
            "Argon2id iterations (OWASP minimum)")
            .valid(v -> v >= 1, "must be at least 1"));
    public static final Setting<Integer> PASSWORDS_PARALLELISM = add(of("passwords", "parallelism", COUNT, 1,
            "Argon2id lanes")
            .valid(v -> v >= 1 && v <= 16, "must be 1 to 16"));

    public static final Setting<Boolean> OBSERVABILITY_METRICS = add(of("observability", "metrics", BOOLEAN, true,
            "`/metrics` in Prometheus text format"));
    public static final Setting<Boolean> OBSERVABILITY_JSON_LOGS = add(of("observability", "jsonLogs", BOOLEAN, false,
            "one JSON object per log line"));
    public static final Setting<String> OBSERVABILITY_LOG_LEVEL = add(of("observability", "logLevel", STRING, "info",
            "trace, debug, info, warn, error")
            .valid(v -> v != null && List.of("trace", "debug", "info", "warn", "error").contains(v.toLowerCase(Locale.ROOT)),
                    "must be one of trace, debug, info, warn, error"));

    public static final Setting<Duration> RETENTION_MESSAGES = add(of("retention", "messages", DURATION, Duration.ZERO,
            "0 keeps history forever")
            .valid(v -> v != null && !v.isNegative(), "must be 0 (forever) or positive"));

    public static final Setting<Duration> MESSAGES_EDIT_WINDOW = add(of("messages", "editWindow", DURATION,
            MessageService.DEFAULT_EDIT_WINDOW, "how long after sending a message its sender may edit it (`edit`,"
                    + " docs/protocol.md); `0` turns editing off. Measured on the node's clock against the time the"
                    + " message was stored")
            .valid(v -> v != null && !v.isNegative(), "must be 0 (no editing) or positive"));

    public static final Setting<String> ADMIN_TOKEN = add(of("admin", "token", STRING, null,
            "bearer token of the administration API").shownAs("generated").asSecret()
            .valid(v -> v == null || v.length() >= 16, "must be at least 16 characters"));
    public static final Setting<String> ADMIN_HOST = add(of("admin", "host", STRING, "127.0.0.1",
            "where the administration API listens, apart from the public port")
            .valid(v -> v != null && !v.isBlank(), "must not be empty"));
    public static final Setting<Integer> ADMIN_PORT = add(of("admin", "port", COUNT, 0,
            "port of the administration API; 0 takes a free one (its URL goes to `DATA/admin.url`)")
            .valid(v -> v >= 0 && v <= 65535, "must be 0 to 65535"));

    public static final Setting<RegistrationMode> ACCOUNTS_REGISTRATION = add(of("accounts", "registration",
            Kind.choice(RegistrationMode::parse, RegistrationMode::wire), ACCOUNT_LIMITS.registration(),
            "`open`, `closed` (accounts only from `parley admin users create`) or `invite` (an invite code from"
                    + " `parley admin invite`)")
            .valid(v -> v != null, "must be 'open', 'closed' or 'invite'"));
    public static final Setting<Integer> ACCOUNTS_REGISTRATIONS_PER_ADDRESS = add(of("accounts", "registrationsPerAddress",
            COUNT, ACCOUNT_LIMITS.registrationsPerAddress().count(),
            "registrations per client address per accounts.registrationWindow")
            .valid(v -> v >= 1, "must be at least 1"));
    public static final Setting<Duration> ACCOUNTS_REGISTRATION_WINDOW = add(of("accounts", "registrationWindow", DURATION,
            ACCOUNT_LIMITS.registrationsPerAddress().window(), "the window of accounts.registrationsPerAddress")
            .valid(v -> v != null && v.toMillis() >= 1, "must be at least 1ms"));
    public static final Setting<Integer> ACCOUNTS_LOGIN_FAILURES_PER_ACCOUNT = add(of("accounts", "loginFailuresPerAccount",
            COUNT, ACCOUNT_LIMITS.loginFailuresPerAccount().count(),
            "failed logins per account name per accounts.loginFailureWindow")
            .valid(v -> v >= 1, "must be at least 1"));
    public static final Setting<Integer> ACCOUNTS_LOGIN_FAILURES_PER_ADDRESS = add(of("accounts", "loginFailuresPerAddress",
            COUNT, ACCOUNT_LIMITS.loginFailuresPerAddress().count(),
            "failed logins per client address per accounts.loginFailureWindow")
            .valid(v -> v >= 1, "must be at least 1"));
    public static final Setting<Duration> ACCOUNTS_LOGIN_FAILURE_WINDOW = add(of("accounts", "loginFailureWindow", DURATION,
            ACCOUNT_LIMITS.loginFailuresPerAccount().window(), "the window of both failed-login limits")
            .valid(v -> v != null && v.toMillis() >= 1, "must be at least 1ms"));
    public static final Setting<Integer> ACCOUNTS_TRACKED_KEYS = add(of("accounts", "trackedKeys", COUNT,
            ACCOUNT_LIMITS.trackedKeys(),
            "account names and addresses each node remembers for those limits (each kind)")
            .valid(v -> v >= 1 && v <= 10_000_000, "must be 1 to 10000000"));
    public static final Setting<Integer> ACCOUNTS_HASHING_THREADS = add(of("accounts", "hashingThreads", COUNT, 0,
            "threads of the password-hashing pool").shownAs("0 (one per core)")
            .valid(v -> v >= 0 && v <= 256, "must be 0 (one per core) to 256"));
    public static final Setting<Integer> ACCOUNTS_HASHING_QUEUE = add(of("accounts", "hashingQueue", COUNT, 64,
            "logins and registrations that may wait for the password-hashing pool")
            .valid(v -> v >= 0 && v <= 100_000, "must be 0 to 100000"));
    public static final Setting<List<String>> ACCOUNTS_TRUSTED_PROXIES = add(of("accounts", "trustedProxies", LIST,
            List.of(), "proxies whose `X-Forwarded-For` names the client address (list of IPs)"));

    public static final Setting<Boolean> PUSH_ENABLED = add(of("push", "enabled", BOOLEAN, true,
            "push notifications to devices with no connection ([push.md](push.md))"));
    public static final Setting<PushContent> PUSH_CONTENT = add(of("push", "content",
            Kind.choice(PushContent::parse, c -> c.name().toLowerCase(Locale.ROOT)), PushContent.PREVIEW,
            "`preview`: sender and start of the text; `minimal`: only \"new message\" and the conversation id (no"
                    + " content to third parties)")
            .valid(v -> v != null, "must be 'preview' or 'minimal'"));
    public static final Setting<Duration> PUSH_COALESCE_WINDOW = add(of("push", "coalesceWindow", DURATION,
            Duration.ofSeconds(10), "at most one push per device and conversation per window")
            .valid(v -> v != null && !v.isNegative(), "must not be negative"));
    public static final Setting<Integer> PUSH_QUEUE_CAPACITY = add(of("push", "queueCapacity", COUNT, 10_000,
            "conversations waiting in memory for push; past it the oldest are dropped and counted")
            .valid(v -> v >= 1, "must be at least 1"));
    public static final Setting<Integer> PUSH_MAX_ATTEMPTS = add(of("push", "maxAttempts", COUNT, 8,
            "attempts per notification (retries on 5xx/429, honouring Retry-After)")
            .valid(v -> v >= 1 && v <= 100, "must be 1 to 100"));
    public static final Setting<Integer> PUSH_PREVIEW_CHARS = add(of("push", "previewChars", COUNT, 100,
            "characters of text in a preview")
            .valid(v -> v >= 1 && v <= 1000, "must be 1 to 1000"));
    public static final Setting<String> PUSH_VAPID_SUBJECT = add(of("push", "vapidSubject", STRING, "mailto:admin@localhost",
            "contact URL for Web Push services (RFC 8292); set your own")
            .valid(v -> v != null && (v.startsWith("mailto:") || v.startsWith("https://")),
                    "must be a mailto: or https: URL (RFC 8292)"));
    public static final Setting<Path> PUSH_VAPID_KEY_FILE = add(of("push", "vapidKeyFile", PATH, null,
            "VAPID key pair, made on first start (owner-only); share it between a cluster's nodes")
            .shownAs("DATA/vapid.json"));
    public static final Setting<String> PUSH_FCM_PROJECT_ID = add(of("push", "fcmProjectId", STRING, null,
            "FCM project").shownAs("the service account's"));
    public static final Setting<Path> PUSH_FCM_SERVICE_ACCOUNT_FILE = add(of("push", "fcmServiceAccountFile", PATH, null,
            "FCM HTTP v1 service-account key file; FCM is on when it is given"));
    public static final Setting<String> PUSH_FCM_BASE_URL = add(of("push", "fcmBaseUrl", STRING,
            "https://fcm.googleapis.com", "where FCM requests go (a test endpoint)")
            .valid(v -> v != null && v.startsWith("https://"), "must be an https URL"));
    public static final Setting<Path> PUSH_APNS_KEY_FILE = add(of("push", "apnsKeyFile", PATH, null,
            "APNs token-auth key (.p8); APNs is on when it is given, with the key id, team id and topic"));
    public static final Setting<String> PUSH_APNS_KEY_ID = add(of("push", "apnsKeyId", STRING, null,
            "id of the APNs key"));
    public static final Setting<String> PUSH_APNS_TEAM_ID = add(of("push", "apnsTeamId", STRING, null,
            "Apple developer team id"));
    public static final Setting<String> PUSH_APNS_TOPIC = add(of("push", "apnsTopic", STRING, null,
            "the app's bundle id"));
    public static final Setting<String> PUSH_APNS_BASE_URL = add(of("push", "apnsBaseUrl", STRING,
            "https://api.push.apple.com", "where APNs requests go (a test endpoint)")
            .valid(v -> v != null && v.startsWith("https://"), "must be an https URL"));
    public static final Setting<String> PUSH_WEBHOOK_SECRET = add(of("push", "webhookSecret", STRING, null,
            "HMAC key for webhook targets; on when given").asSecret());
    public static final Setting<Boolean> PUSH_ALLOW_LOOPBACK_TARGETS = add(of("push", "allowLoopbackTargets", BOOLEAN,
            false, "tests only: targets may be 127.0.0.1 / ::1 (private addresses never)"));
    public static final Setting<Path> PUSH_TRUST_CERTIFICATES = add(of("push", "trustCertificates", PATH, null,
            "PEM certificates to trust instead of the JDK's for push requests (private gateway, tests)")
            .shownAs("JDK default"));
    public static final Setting<Duration> PUSH_REQUEST_TIMEOUT = add(of("push", "requestTimeout", DURATION,
            Duration.ofSeconds(15), "per push request")
            .valid(v -> v != null && v.toMillis() >= 100, "must be at least 100ms"));

    public static final Setting<RequestRule> PEOPLE_MESSAGE_REQUESTS = add(of("people", "messageRequests",
            Kind.choice(RequestRule::parse, RequestRule::wire), RequestRule.OFF,
            "`contacts-only`: a new direct conversation from someone who shares no conversation with the recipient is"
                    + " a message request ([People](#people)); `off`: never. Turn it on for a node open to the public")
            .valid(v -> v != null, "must be 'contacts-only' or 'off'"));
    public static final Setting<AccountDeletion.Messages> PEOPLE_DELETED_ACCOUNT_MESSAGES = add(of("people",
            "deletedAccountMessages", Kind.choice(AccountDeletion.Messages::parse, AccountDeletion.Messages::wire),
            AccountDeletion.Messages.KEEP, "`keep`: a deleted account's messages stay in every history (shown as from"
                    + " a deleted account) until `retention.messages` removes them like any other; `erase`: their text"
                    + " is erased from storage when the account is deleted")
            .valid(v -> v != null, "must be 'keep' or 'erase'"));
    public static final Setting<Integer> PEOPLE_MAX_AVATAR_BYTES = add(of("people", "maxAvatarBytes", BYTES,
            5 * 1024 * 1024, "largest avatar upload (re-encoded to a small JPEG; nothing of the upload is kept)")
            .valid(v -> v >= 1024 && v <= 64 * 1024 * 1024, "must be 1KiB to 64MiB"));
    public static final Setting<Integer> PEOPLE_AVATAR_PIXELS = add(of("people", "avatarPixels", COUNT, 256,
            "side of the stored square avatar")
            .valid(v -> v >= 32 && v <= 1024, "must be 32 to 1024"));
    public static final Setting<Integer> PEOPLE_REPORTS_PER_DAY = add(of("people", "reportsPerDay", COUNT, 20,
            "reports one user may file in 24 hours")
            .valid(v -> v >= 1, "must be at least 1"));

    public static final Setting<Boolean> ATTACHMENTS_ENABLED = add(of("attachments", "enabled", BOOLEAN, true,
            "photo and file uploads ([Attachments](#attachments)); `false` removes the routes and refuses sends that"
                    + " name attachments"));
    public static final Setting<Long> ATTACHMENTS_MAX_BYTES = add(of("attachments", "maxBytes", LARGE_BYTES,
            25L * 1024 * 1024, "largest upload (streamed to disk, never held in memory)")
            .valid(v -> v >= 1024 && v <= 4L * 1024 * 1024 * 1024, "must be 1KiB to 4GiB"));
    public static final Setting<Long> ATTACHMENTS_QUOTA_BYTES = add(of("attachments", "quotaBytes", LARGE_BYTES,
            1024L * 1024 * 1024, "all of one user's uploads together (a retried upload counts once)"));
    public static final Setting<Integer> ATTACHMENTS_PER_MESSAGE = add(of("attachments", "perMessage", COUNT, 10,
            "attachments one message carries")
            .valid(v -> v >= 1 && v <= FrameCodec.MAX_ATTACHMENTS,
                    "must be 1 to " + FrameCodec.MAX_ATTACHMENTS));
    public static final Setting<Duration> ATTACHMENTS_UNSENT_EXPIRY = add(of("attachments", "unsentExpiry", DURATION,
            Duration.ofHours(24), "an upload no message carries by then is removed (its bytes too, when no other"
                    + " upload has the same)")
            .valid(v -> v != null && v.toSeconds() >= 1, "must be at least 1s"));
    public static final Setting<List<String>> ATTACHMENTS_ALLOWED_TYPES = add(of("attachments", "allowedTypes", LIST,
            Attachments.DEFAULT_TYPES, "the types (sniffed from the content) the node accepts; see"
                    + " [Attachments](#attachments)").shownAs("images, PDF, archives, audio, video, text")
            .valid(v -> v != null && !v.isEmpty(), "must name a type"));
    public static final Setting<Path> ATTACHMENTS_DIRECTORY = add(of("attachments", "directory", PATH, null,
            "where the bytes live; with `store: s3` only the uploads being received (`incoming/node-N`)")
            .shownAs("DATA/attachments"));
    public static final Setting<String> ATTACHMENTS_STORE = add(of("attachments", "store",
            Kind.choice(Settings::store, s -> s), "local", "`local`: the bytes in `attachments.directory`; `s3`: in an"
                    + " S3-compatible object store, for a cluster ([Attachments](#attachments))"));
    public static final Setting<String> ATTACHMENTS_S3_ENDPOINT = add(of("attachments", "s3Endpoint", STRING, null,
            "the store's URL (`https://s3.example.com:9000`; none: AWS S3 in the region)").shownAs("AWS S3")
            .valid(v -> v == null || v.matches("https?://[^/?#\\s]+/?"),
                    "must be an http:// or https:// URL with no path, like https://s3.example.com:9000"));
    public static final Setting<String> ATTACHMENTS_S3_BUCKET = add(of("attachments", "s3Bucket", STRING, null,
            "the bucket (made beforehand)")
            .valid(v -> v == null || v.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"),
                    "must be a bucket name (3 to 63 lower-case letters, digits, dots and dashes)"));
    public static final Setting<String> ATTACHMENTS_S3_REGION = add(of("attachments", "s3Region", STRING, "us-east-1",
            "the region (most self-hosted stores accept any)")
            .valid(v -> v != null && !v.isBlank(), "must not be empty"));
    public static final Setting<String> ATTACHMENTS_S3_ACCESS_KEY = add(of("attachments", "s3AccessKey", STRING, null,
            "the access key id; with neither key: `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, the AWS profile file or"
                    + " the machine's role").shownAs("the AWS SDK's default credentials"));
    public static final Setting<String> ATTACHMENTS_S3_SECRET_KEY = add(of("attachments", "s3SecretKey", STRING, null,
            "the secret key, given with attachments.s3AccessKey").shownAs("the AWS SDK's default credentials")
            .asSecret());
    public static final Setting<Boolean> ATTACHMENTS_S3_PATH_STYLE = add(of("attachments", "s3PathStyle", BOOLEAN, false,
            "`true`: the bucket in the path (`https://host/bucket/key`), as MinIO, Ceph, Garage and most self-hosted"
                    + " stores want; `false`: in the host name (AWS)"));

    public static final Setting<Duration> PULL_MAX_WAIT = add(of("pull", "maxWait", DURATION, Duration.ofSeconds(30),
            "longest a `POST /v1/sync` long poll is held (a longer `wait` is cut to it); keep it below the idle"
                    + " timeout of any proxy in front ([Pull](#pull))")
            .valid(v -> v != null && !v.isNegative() && v.toMinutes() <= 10, "must be 0 to 10 minutes"));
    public static final Setting<Integer> PULL_MAX_PAGE_ENTRIES = add(of("pull", "maxPageEntries", COUNT, 500,
            "entries in one sync page at most (a larger `limit` is cut to it)")
            .valid(v -> v >= 1 && v <= 10_000, "must be 1 to 10000"));
    public static final Setting<Integer> PULL_MAX_WAITING_PER_USER = add(of("pull", "maxWaitingPerUser", COUNT, 8,
            "long polls waiting and event streams open at once for one user; one more gets `429 rate_limited`")
            .valid(v -> v >= 1, "must be at least 1"));
    public static final Setting<Integer> PULL_MAX_WAITING_PER_ADDRESS = add(of("pull", "maxWaitingPerAddress", COUNT, 1_000,
            "long polls waiting and event streams open at once from one client address (behind"
                    + " `accounts.trustedProxies`, the forwarded one)")
            .valid(v -> v >= 1, "must be at least 1"));

    private static final List<Setting<?>> ALL = Collections.unmodifiableList(DECLARED);

    private Settings() {
    }

    /** Every setting, in the order they are declared (and documented). */
    public static List<Setting<?>> all() {
        return ALL;
    }

    private static <T> Setting<T> of(String section, String key, Kind<T> kind, T fallback, String meaning) {
        return new Setting<>(section, key, kind, fallback, null, meaning, false, null, null);
    }

    private static <T> Setting<T> add(Setting<T> s) {
        DECLARED.add(s);
        return s;
    }

    private static String store(String s) {
        if (!s.equals("local") && !s.equals("s3")) {
            throw new IllegalArgumentException("must be local or s3, not '" + s + "'");
        }
        return s;
    }
}
