package dev.parley.core.push;

import dev.parley.core.ChatException;

import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where one device's notifications go: exactly one per device. Each variant validates its shape
 * when built (a bad registration is refused with {@code invalid_field}); whether a URL may be
 * called at all (https, not into the node's own network) is the {@link TargetCheck}'s decision.
 */
public sealed interface PushTarget {
    int MAX_URL = 2048;
    int MAX_TOKEN = 4096;

    /** The wire name of the kind: {@code webpush}, {@code fcm}, {@code apns} or {@code webhook}. */
    String type();

    /**
     * A browser's Web Push subscription (RFC 8030): the push service endpoint and the
     * subscription's keys, {@code p256dh} (its P-256 public key, 65 bytes uncompressed) and
     * {@code auth} (16 bytes), as {@code PushSubscription.toJSON()} gives them (base64url).
     */
    record WebPush(String endpoint, byte[] p256dh, byte[] auth) implements PushTarget {
        public WebPush {
            requireUrl(endpoint, "endpoint");
            if (p256dh == null || p256dh.length != 65 || p256dh[0] != 4) {
                throw ChatException.invalid("field 'p256dh' must be an uncompressed P-256 public key (65 bytes, base64url)");
            }
            if (auth == null || auth.length != 16) {
                throw ChatException.invalid("field 'auth' must be 16 bytes, base64url");
            }
            p256dh = p256dh.clone();
            auth = auth.clone();
        }

        /** From the base64url strings a browser's subscription holds. */
        public static WebPush of(String endpoint, String p256dh, String auth) {
            return new WebPush(endpoint, base64Url(p256dh, "p256dh"), base64Url(auth, "auth"));
        }

        @Override
        public byte[] p256dh() {
            return p256dh.clone();
        }

        @Override
        public byte[] auth() {
            return auth.clone();
        }

        @Override
        public String type() {
            return "webpush";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WebPush w && w.endpoint.equals(endpoint) && java.util.Arrays.equals(w.p256dh, p256dh)
                    && java.util.Arrays.equals(w.auth, auth);
        }

        @Override
        public int hashCode() {
            return endpoint.hashCode();
        }

        @Override
        public String toString() {
            return "WebPush[" + endpoint + "]";
        }
    }

    /** A Firebase Cloud Messaging registration token. */
    record Fcm(String token) implements PushTarget {
        private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_:.\\-]{1," + MAX_TOKEN + "}");

        public Fcm {
            if (token == null || !TOKEN.matcher(token).matches()) {
                throw ChatException.invalid("field 'token' must be an FCM registration token");
            }
        }

        @Override
        public String type() {
            return "fcm";
        }

        @Override
        public String toString() {
            return "Fcm[" + token.substring(0, Math.min(8, token.length())) + "...]";
        }
    }

    /** An Apple Push Notification service device token (hex, as the device reports it). */
    record Apns(String deviceToken) implements PushTarget {
        private static final Pattern HEX = Pattern.compile("[0-9a-f]{64,200}");

        public Apns {
            deviceToken = deviceToken == null ? null : deviceToken.toLowerCase(Locale.ROOT);
            if (deviceToken == null || !HEX.matcher(deviceToken).matches()) {
                throw ChatException.invalid("field 'deviceToken' must be an APNs device token (64 to 200 hex digits)");
            }
        }

        @Override
        public String type() {
            return "apns";
        }

        @Override
        public String toString() {
            return "Apns[" + deviceToken.substring(0, 8) + "...]";
        }
    }

    /** A custom gateway: the node POSTs an HMAC-signed JSON body to this URL. */
    record Webhook(String url) implements PushTarget {
        public Webhook {
            requireUrl(url, "url");
        }

        @Override
        public String type() {
            return "webhook";
        }
    }

    private static void requireUrl(String url, String field) {
        if (url == null || url.isEmpty() || url.length() > MAX_URL) {
            throw ChatException.invalid("field '" + field + "' must be an https URL of at most " + MAX_URL + " characters");
        }
        if (!url.regionMatches(true, 0, "https://", 0, 8)) {
            throw ChatException.invalid("field '" + field + "' must be an https URL");
        }
    }

    private static byte[] base64Url(String value, String field) {
        if (value == null) {
            throw new ChatException(ChatException.Refusal.INVALID, "field '" + field + "' is required");
        }
        try {
            return Base64.getUrlDecoder().decode(value.replace('+', '-').replace('/', '_').replace("=", ""));
        } catch (IllegalArgumentException e) {
            throw ChatException.invalid("field '" + field + "' must be base64url");
        }
    }
}
