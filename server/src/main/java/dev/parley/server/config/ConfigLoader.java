package dev.parley.server.config;

import dev.parley.server.ServerConfig;
import dev.parley.server.ServerConfig.Cluster;
import dev.parley.server.ServerConfig.ClusterType;
import dev.parley.server.ServerConfig.Limits;
import dev.parley.server.ServerConfig.Network;
import dev.parley.server.ServerConfig.Observability;
import dev.parley.server.ServerConfig.Passwords;
import dev.parley.server.ServerConfig.Retention;
import dev.parley.server.ServerConfig.Storage;
import dev.parley.server.ServerConfig.StorageType;
import dev.parley.server.ServerConfig.Timing;
import dev.parley.store.Durability;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import dev.parley.core.account.RegistrationMode;
import dev.parley.core.push.PushContent;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Reads a node's configuration from a YAML file and the environment, and validates it. Every
 * setting has a default, so no file at all gives a working single node. Errors name the setting:
 * {@code limits.maxBodyBytes: must be 1 to limits.maxFrameBytes - 256}.
 */
public final class ConfigLoader {
    static final Map<String, Set<String>> SCHEMA = Settings.schema(
            "server", new String[]{"host", "port", "tlsCertificate", "tlsKey"},
            "storage", new String[]{"type", "dataDir", "durability", "readers", "maxBatch", "postgresUrls",
                    "postgresUser", "postgresPassword", "postgresPoolSize"},
            "cluster", new String[]{"type", "nodeNumber", "redisUri", "redisNamespace", "nodeTtl"},
            "limits", new String[]{"maxFrameBytes", "hardFrameBytes", "maxBodyBytes", "sendsPerSecond", "sendBurst",
                    "framesPerSecond", "frameBurst", "maxPageSize", "outboundQueueBytes", "maxHttpBodyBytes",
                    "maxGroupSize", "maxCatchUp", "preAuthBytes", "maxConnectionsPerAddress"},
            "timing", new String[]{"heartbeat", "authTimeout", "presenceGrace", "typingExpiry", "requestHeaderTimeout",
                    "idleTimeout"},
            "passwords", new String[]{"memoryKiB", "iterations", "parallelism"},
            "observability", new String[]{"metrics", "jsonLogs", "logLevel"},
            "retention", new String[]{"messages"},
            "admin", new String[]{"token", "host", "port"},
            "push", new String[]{"enabled", "content", "coalesceWindow", "queueCapacity", "maxAttempts", "previewChars",
                    "vapidSubject", "vapidKeyFile", "fcmProjectId", "fcmServiceAccountFile", "fcmBaseUrl", "apnsKeyFile",
                    "apnsKeyId", "apnsTeamId", "apnsTopic", "apnsBaseUrl", "webhookSecret", "allowLoopbackTargets",
                    "trustCertificates", "requestTimeout"},
            "accounts", new String[]{"registration", "registrationsPerAddress", "registrationWindow",
                    "loginFailuresPerAccount", "loginFailuresPerAddress", "loginFailureWindow", "trackedKeys",
                    "hashingThreads", "hashingQueue", "trustedProxies"},
            "people", new String[]{"messageRequests", "deletedAccountMessages", "maxAvatarBytes", "avatarPixels",
                    "reportsPerDay"},
            "messages", new String[]{"editWindow"},
            "attachments", new String[]{"enabled", "maxBytes", "quotaBytes", "perMessage", "unsentExpiry",
                    "allowedTypes", "directory", "store", "s3Endpoint", "s3Bucket", "s3Region", "s3AccessKey",
                    "s3SecretKey", "s3PathStyle"},
            "pull", new String[]{"maxWait", "maxPageEntries", "maxWaitingPerUser", "maxWaitingPerAddress"});

    private ConfigLoader() {
    }

    /** The configuration from {@code file} (null for none) with environment overrides applied. */
    public static ServerConfig load(Path file, Map<String, String> env) {
        Map<String, Object> document = file == null ? Map.of() : read(file);
        Settings s = Settings.of(document, env, SCHEMA);
        ServerConfig d = ServerConfig.defaults();
        return new ServerConfig(network(s, d.network()), storage(s, d.storage()), cluster(s, d.cluster()),
                limits(s, d.limits()), timing(s, d.timing()), passwords(s, d.passwords()),
                observability(s, d.observability()), retention(s, d.retention()),
                admin(s, d.admin()), push(s, d.push()), accounts(s, d.accounts()), people(s, d.people()),
                new ServerConfig.Messages(s.duration("messages.editWindow", d.messages().editWindow())),
                attachments(s, d.attachments()),
                pull(s, d.pull()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(Path file) {
        try (Reader r = Files.newBufferedReader(file)) {
            Object doc = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromReader(r);
            if (doc == null) {
                return Map.of();
            }
            if (!(doc instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException(file + ": the configuration must be a mapping of sections");
            }
            return (Map<String, Object>) map;
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the configuration file (" + e.getMessage() + ")");
        } catch (YamlEngineException e) {
            throw new IllegalArgumentException(file + ": not valid YAML: " + e.getMessage());
        }
    }

    private static Network network(Settings s, Network d) {
        return new Network(s.string("server.host", d.host()), s.integer("server.port", d.port()),
                s.path("server.tlsCertificate", d.tlsCertificate()), s.path("server.tlsKey", d.tlsKey()));
    }

    private static Storage storage(Settings s, Storage d) {
        StorageType type = parse("storage.type", () -> StorageType.parse(s.string("storage.type", "sqlite")));
        Durability durability = parse("storage.durability",
                () -> Durability.parse(s.string("storage.durability", d.durability().wire())));
        return new Storage(type, s.path("storage.dataDir", d.dataDir()), durability,
                s.integer("storage.readers", d.readers()), s.integer("storage.maxBatch", d.maxBatch()),
                s.list("storage.postgresUrls", d.postgresUrls()), s.string("storage.postgresUser", d.postgresUser()),
                s.string("storage.postgresPassword", d.postgresPassword()),
                s.integer("storage.postgresPoolSize", d.postgresPoolSize()));
    }

    private static Cluster cluster(Settings s, Cluster d) {
        ClusterType type = parse("cluster.type", () -> ClusterType.parse(s.string("cluster.type", "local")));
        return new Cluster(type, s.integer("cluster.nodeNumber", d.nodeNumber()), s.string("cluster.redisUri", d.redisUri()),
                s.string("cluster.redisNamespace", d.redisNamespace()), s.duration("cluster.nodeTtl", d.nodeTtl()));
    }

    private static Limits limits(Settings s, Limits d) {
        int maxFrameBytes = s.integer("limits.maxFrameBytes", d.maxFrameBytes());
        return new Limits(maxFrameBytes,
                s.integer("limits.hardFrameBytes", d.hardFrameBytes()),
                s.integer("limits.maxBodyBytes", d.maxBodyBytes()),
                s.integer("limits.sendsPerSecond", d.sendsPerSecond()),
                s.integer("limits.sendBurst", d.sendBurst()),
                s.integer("limits.framesPerSecond", d.framesPerSecond()),
                s.integer("limits.frameBurst", d.frameBurst()),
                s.integer("limits.maxPageSize", d.maxPageSize()),
                s.integer("limits.outboundQueueBytes", d.outboundQueueBytes()),
                s.integer("limits.maxHttpBodyBytes", d.maxHttpBodyBytes()),
                s.integer("limits.maxGroupSize", d.maxGroupSize()),
                s.integer("limits.maxCatchUp", d.maxCatchUp()),
                s.integer("limits.preAuthBytes", Limits.defaultPreAuthBytes(maxFrameBytes)),
                s.integer("limits.maxConnectionsPerAddress", d.maxConnectionsPerAddress()));
    }

    private static Timing timing(Settings s, Timing d) {
        return new Timing(s.duration("timing.heartbeat", d.heartbeat()), s.duration("timing.authTimeout", d.authTimeout()),
                s.duration("timing.presenceGrace", d.presenceGrace()), s.duration("timing.typingExpiry", d.typingExpiry()),
                s.duration("timing.requestHeaderTimeout", d.requestHeaderTimeout()),
                s.duration("timing.idleTimeout", d.idleTimeout()));
    }

    private static Passwords passwords(Settings s, Passwords d) {
        return new Passwords(s.integer("passwords.memoryKiB", d.memoryKiB()),
                s.integer("passwords.iterations", d.iterations()), s.integer("passwords.parallelism", d.parallelism()));
    }

    private static Observability observability(Settings s, Observability d) {
        return new Observability(s.bool("observability.metrics", d.metrics()),
                s.bool("observability.jsonLogs", d.jsonLogs()), s.string("observability.logLevel", d.logLevel()));
    }

    private static Retention retention(Settings s, Retention d) {
        return new Retention(s.duration("retention.messages", d.messages()));
    }

    private static ServerConfig.Admin admin(Settings s, ServerConfig.Admin d) {
        return new ServerConfig.Admin(s.string("admin.token", d.token()), s.string("admin.host", d.host()),
                s.integer("admin.port", d.port()));
    }

    private static ServerConfig.Accounts accounts(Settings s, ServerConfig.Accounts d) {
        RegistrationMode mode = parse("accounts.registration",
                () -> RegistrationMode.parse(s.string("accounts.registration", d.registration().wire())));
        return new ServerConfig.Accounts(mode, s.integer("accounts.registrationsPerAddress", d.registrationsPerAddress()),
                s.duration("accounts.registrationWindow", d.registrationWindow()),
                s.integer("accounts.loginFailuresPerAccount", d.loginFailuresPerAccount()),
                s.integer("accounts.loginFailuresPerAddress", d.loginFailuresPerAddress()),
                s.duration("accounts.loginFailureWindow", d.loginFailureWindow()),
                s.integer("accounts.trackedKeys", d.trackedKeys()),
                s.integer("accounts.hashingThreads", d.hashingThreads()),
                s.integer("accounts.hashingQueue", d.hashingQueue()),
                s.list("accounts.trustedProxies", d.trustedProxies()));
    }

    private static ServerConfig.Push push(Settings s, ServerConfig.Push d) {
        PushContent content = parse("push.content", () -> PushContent.parse(s.string("push.content", "preview")));
        return new ServerConfig.Push(s.bool("push.enabled", d.enabled()), content,
                s.duration("push.coalesceWindow", d.coalesceWindow()), s.integer("push.queueCapacity", d.queueCapacity()),
                s.integer("push.maxAttempts", d.maxAttempts()), s.integer("push.previewChars", d.previewChars()),
                s.string("push.vapidSubject", d.vapidSubject()), s.path("push.vapidKeyFile", d.vapidKeyFile()),
                s.string("push.fcmProjectId", d.fcmProjectId()),
                s.path("push.fcmServiceAccountFile", d.fcmServiceAccountFile()),
                s.string("push.fcmBaseUrl", d.fcmBaseUrl()), s.path("push.apnsKeyFile", d.apnsKeyFile()),
                s.string("push.apnsKeyId", d.apnsKeyId()), s.string("push.apnsTeamId", d.apnsTeamId()),
                s.string("push.apnsTopic", d.apnsTopic()), s.string("push.apnsBaseUrl", d.apnsBaseUrl()),
                s.string("push.webhookSecret", d.webhookSecret()),
                s.bool("push.allowLoopbackTargets", d.allowLoopbackTargets()),
                s.path("push.trustCertificates", d.trustCertificates()),
                s.duration("push.requestTimeout", d.requestTimeout()));
    }

    private static ServerConfig.People people(Settings s, ServerConfig.People d) {
        return new ServerConfig.People(
                parse("people.messageRequests", () -> dev.parley.core.request.RequestRule.parse(
                        s.string("people.messageRequests", d.messageRequests().wire()))),
                parse("people.deletedAccountMessages", () -> dev.parley.core.account.AccountDeletion.Messages.parse(
                        s.string("people.deletedAccountMessages", d.deletedAccountMessages().wire()))),
                s.integer("people.maxAvatarBytes", d.maxAvatarBytes()), s.integer("people.avatarPixels", d.avatarPixels()),
                s.integer("people.reportsPerDay", d.reportsPerDay()));
    }

    private static ServerConfig.Pull pull(Settings s, ServerConfig.Pull d) {
        return new ServerConfig.Pull(s.duration("pull.maxWait", d.maxWait()),
                s.integer("pull.maxPageEntries", d.maxPageEntries()),
                s.integer("pull.maxWaitingPerUser", d.maxWaitingPerUser()),
                s.integer("pull.maxWaitingPerAddress", d.maxWaitingPerAddress()));
    }

    private static ServerConfig.Attachments attachments(Settings s, ServerConfig.Attachments d) {
        return new ServerConfig.Attachments(s.bool("attachments.enabled", d.enabled()),
                s.size("attachments.maxBytes", d.maxBytes()), s.size("attachments.quotaBytes", d.quotaBytes()),
                s.integer("attachments.perMessage", d.perMessage()),
                s.duration("attachments.unsentExpiry", d.unsentExpiry()),
                s.list("attachments.allowedTypes", d.allowedTypes()), s.path("attachments.directory", d.directory()),
                objectStore(s));
    }

    /** The object store of {@code attachments.store: s3}; null for {@code local} (the directory). */
    private static ServerConfig.ObjectStore objectStore(Settings s) {
        String store = s.string("attachments.store", "local");
        switch (store) {
            case "local":
                for (String key : new String[]{"s3Endpoint", "s3Bucket", "s3AccessKey", "s3SecretKey"}) {
                    if (s.has("attachments." + key)) {
                        throw new IllegalArgumentException("attachments." + key + ": set, but attachments.store is local;"
                                + " set attachments.store: s3 to keep the bytes in the object store");
                    }
                }
                return null;
            case "s3":
                return new ServerConfig.ObjectStore(s.string("attachments.s3Endpoint", null),
                        s.string("attachments.s3Bucket", null), s.string("attachments.s3Region", "us-east-1"),
                        s.string("attachments.s3AccessKey", null), s.string("attachments.s3SecretKey", null),
                        s.bool("attachments.s3PathStyle", false));
            default:
                throw new IllegalArgumentException("attachments.store: must be local or s3, not '" + store + "'");
        }
    }

    private interface Parse<T> {
        T get();
    }

    private static <T> T parse(String setting, Parse<T> p) {
        try {
            return p.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + ": " + e.getMessage());
        }
    }
}
