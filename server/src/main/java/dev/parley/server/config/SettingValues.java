package dev.parley.server.config;

import dev.parley.server.ServerConfig;
import dev.parley.server.ServerConfig.Limits;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import static dev.parley.server.config.Settings.*;

/**
 * A value for each {@link Setting}: the ones given, and the declared default for the rest. This
 * is where the sections of {@link ServerConfig} are built from the settings, in one place; each
 * section checks its values as it is built and names the setting at fault. Tests that need a
 * node configured some way can build one here: {@code SettingValues.defaults().with(LIMITS_MAX_GROUP_SIZE, 3).toConfig()}.
 */
public final class SettingValues {
    private final Map<Setting<?>, Object> given;

    private SettingValues(Map<Setting<?>, Object> given) {
        this.given = Collections.unmodifiableMap(given);
    }

    /** Every setting at its default. */
    public static SettingValues defaults() {
        return new SettingValues(new LinkedHashMap<>());
    }

    /** {@code given}'s settings, the rest at their defaults. */
    public static SettingValues of(Map<Setting<?>, ?> given) {
        return new SettingValues(new LinkedHashMap<>(given));
    }

    /** These values with {@code setting} set to {@code value} (null: unset, so its default). */
    public <T> SettingValues with(Setting<T> setting, T value) {
        Map<Setting<?>, Object> next = new LinkedHashMap<>(given);
        if (value == null) {
            next.remove(setting);
        } else {
            next.put(setting, value);
        }
        return new SettingValues(next);
    }

    public <T> T get(Setting<T> setting) {
        @SuppressWarnings("unchecked")
        T value = (T) given.get(setting);
        return value != null ? value : setting.fallback();
    }

    /** Whether {@code setting} was given (rather than left at its default). */
    public boolean given(Setting<?> setting) {
        return given.containsKey(setting);
    }

    /** The node's configuration: every section built from these values. */
    public ServerConfig toConfig() {
        int maxFrameBytes = get(LIMITS_MAX_FRAME_BYTES);
        Integer preAuthBytes = get(LIMITS_PRE_AUTH_BYTES);
        return new ServerConfig(
                new ServerConfig.Network(get(SERVER_HOST), get(SERVER_PORT), get(SERVER_TLS_CERTIFICATE),
                        get(SERVER_TLS_KEY), get(SERVER_TRANSPORT)),
                new ServerConfig.Storage(get(STORAGE_TYPE), get(STORAGE_DATA_DIR), get(STORAGE_DURABILITY),
                        get(STORAGE_READERS), get(STORAGE_MAX_BATCH), get(STORAGE_POSTGRES_URLS),
                        get(STORAGE_POSTGRES_USER), get(STORAGE_POSTGRES_PASSWORD), get(STORAGE_POSTGRES_POOL_SIZE),
                        get(STORAGE_HOT_LOG)),
                new ServerConfig.Cluster(get(CLUSTER_TYPE), get(CLUSTER_NODE_NUMBER), get(CLUSTER_REDIS_URI),
                        get(CLUSTER_REDIS_NAMESPACE), get(CLUSTER_NODE_TTL)),
                new Limits(maxFrameBytes, get(LIMITS_HARD_FRAME_BYTES), get(LIMITS_MAX_BODY_BYTES),
                        get(LIMITS_SENDS_PER_SECOND), get(LIMITS_SEND_BURST), get(LIMITS_FRAMES_PER_SECOND),
                        get(LIMITS_FRAME_BURST), get(LIMITS_MAX_PAGE_SIZE), get(LIMITS_OUTBOUND_QUEUE_BYTES),
                        get(LIMITS_MAX_HTTP_BODY_BYTES), get(LIMITS_MAX_GROUP_SIZE), get(LIMITS_MAX_CATCH_UP),
                        preAuthBytes != null ? preAuthBytes : Limits.defaultPreAuthBytes(maxFrameBytes),
                        get(LIMITS_MAX_CONNECTIONS_PER_ADDRESS), get(LIMITS_ARRIVALS)),
                new ServerConfig.Timing(get(TIMING_HEARTBEAT), get(TIMING_AUTH_TIMEOUT), get(TIMING_PRESENCE_GRACE),
                        get(TIMING_TYPING_EXPIRY), get(TIMING_REQUEST_HEADER_TIMEOUT), get(TIMING_IDLE_TIMEOUT)),
                new ServerConfig.Passwords(get(PASSWORDS_MEMORY_KIB), get(PASSWORDS_ITERATIONS),
                        get(PASSWORDS_PARALLELISM)),
                new ServerConfig.Observability(get(OBSERVABILITY_METRICS), get(OBSERVABILITY_JSON_LOGS),
                        get(OBSERVABILITY_LOG_LEVEL)),
                new ServerConfig.Retention(get(RETENTION_MESSAGES)),
                new ServerConfig.Admin(get(ADMIN_TOKEN), get(ADMIN_HOST), get(ADMIN_PORT)),
                new ServerConfig.Push(get(PUSH_ENABLED), get(PUSH_CONTENT), get(PUSH_COALESCE_WINDOW),
                        get(PUSH_QUEUE_CAPACITY), get(PUSH_MAX_ATTEMPTS), get(PUSH_PREVIEW_CHARS),
                        get(PUSH_VAPID_SUBJECT), get(PUSH_VAPID_KEY_FILE), get(PUSH_FCM_PROJECT_ID),
                        get(PUSH_FCM_SERVICE_ACCOUNT_FILE), get(PUSH_FCM_BASE_URL), get(PUSH_APNS_KEY_FILE),
                        get(PUSH_APNS_KEY_ID), get(PUSH_APNS_TEAM_ID), get(PUSH_APNS_TOPIC), get(PUSH_APNS_BASE_URL),
                        get(PUSH_WEBHOOK_SECRET), get(PUSH_ALLOW_LOOPBACK_TARGETS), get(PUSH_TRUST_CERTIFICATES),
                        get(PUSH_REQUEST_TIMEOUT)),
                new ServerConfig.Accounts(get(ACCOUNTS_REGISTRATION), get(ACCOUNTS_REGISTRATIONS_PER_ADDRESS),
                        get(ACCOUNTS_REGISTRATION_WINDOW), get(ACCOUNTS_LOGIN_FAILURES_PER_ACCOUNT),
                        get(ACCOUNTS_LOGIN_FAILURES_PER_ADDRESS), get(ACCOUNTS_LOGIN_FAILURE_WINDOW),
                        get(ACCOUNTS_TRACKED_KEYS), get(ACCOUNTS_HASHING_THREADS), get(ACCOUNTS_HASHING_QUEUE),
                        get(ACCOUNTS_TRUSTED_PROXIES)),
                new ServerConfig.People(get(PEOPLE_MESSAGE_REQUESTS), get(PEOPLE_DELETED_ACCOUNT_MESSAGES),
                        get(PEOPLE_MAX_AVATAR_BYTES), get(PEOPLE_AVATAR_PIXELS), get(PEOPLE_REPORTS_PER_DAY)),
                new ServerConfig.Messages(get(MESSAGES_EDIT_WINDOW)),
                new ServerConfig.Attachments(get(ATTACHMENTS_ENABLED), get(ATTACHMENTS_MAX_BYTES),
                        get(ATTACHMENTS_QUOTA_BYTES), get(ATTACHMENTS_PER_MESSAGE), get(ATTACHMENTS_UNSENT_EXPIRY),
                        get(ATTACHMENTS_ALLOWED_TYPES), get(ATTACHMENTS_DIRECTORY), objectStore()),
                new ServerConfig.Pull(get(PULL_MAX_WAIT), get(PULL_MAX_PAGE_ENTRIES), get(PULL_MAX_WAITING_PER_USER),
                        get(PULL_MAX_WAITING_PER_ADDRESS)));
    }

    /** The object store of {@code attachments.store: s3}; null for {@code local} (the directory). */
    private ServerConfig.ObjectStore objectStore() {
        if (get(ATTACHMENTS_STORE).equals("local")) {
            for (Setting<String> s : java.util.List.of(ATTACHMENTS_S3_ENDPOINT, ATTACHMENTS_S3_BUCKET,
                    ATTACHMENTS_S3_ACCESS_KEY, ATTACHMENTS_S3_SECRET_KEY)) {
                if (get(s) != null) {
                    throw new IllegalArgumentException(s.name() + ": set, but attachments.store is local;"
                            + " set attachments.store: s3 to keep the bytes in the object store");
                }
            }
            return null;
        }
        return new ServerConfig.ObjectStore(get(ATTACHMENTS_S3_ENDPOINT), get(ATTACHMENTS_S3_BUCKET),
                get(ATTACHMENTS_S3_REGION), get(ATTACHMENTS_S3_ACCESS_KEY), get(ATTACHMENTS_S3_SECRET_KEY),
                get(ATTACHMENTS_S3_PATH_STYLE));
    }

    /** The given settings, secrets hidden. */
    @Override
    public String toString() {
        StringJoiner out = new StringJoiner(", ", "SettingValues[", "]");
        given.forEach((s, v) -> out.add(s.name() + "=" + (s.secret() ? "***" : v)));
        return out.toString();
    }
}
