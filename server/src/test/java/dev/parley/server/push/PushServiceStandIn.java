package dev.parley.server.push;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PfxOptions;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Local stand-ins for the push services a node talks to, on one HTTPS port (HTTP/2 and 1.1 by
 * ALPN), each checking every request the way the real service would and recording what it got:
 *
 * <ul>
 *   <li>Web Push ({@code POST /wp/{id}}): VAPID (RFC 8292) JWT verified with the key in the
 *       header, audience, expiry, subject; {@code aes128gcm} body decrypted with the
 *       subscription's private key (RFC 8291, implemented here independently of the node).</li>
 *   <li>FCM: the OAuth token endpoint ({@code POST /token}) verifies the RS256 assertion with the
 *       service account's public key and issues a token; {@code POST /v1/projects/{p}/messages:send}
 *       wants that token and a well-formed message.</li>
 *   <li>APNs ({@code POST /3/device/{token}}): HTTP/2 only, ES256 provider token verified with the
 *       team's public key, key id, team id, topic and push type.</li>
 *   <li>Webhook ({@code POST /hook/{id}}): the HMAC signature over timestamp and body.</li>
 * </ul>
 *
 * Each service answers from a script of replies (success when the script is empty). Problems
 * found in requests are collected in {@link #problems()}; a test expects none.
 */
final class PushServiceStandIn implements AutoCloseable {
    static final String FCM_PROJECT = "parley-test";
    static final String APNS_KEY_ID = "KEY1234567";
    static final String APNS_TEAM = "TEAM123456";
    static final String APNS_TOPIC = "dev.parley.test";

    /** A scripted status that is never answered. */
    static final int HOLD = 0;

    /** A scripted answer. */
    record Reply(int status, Map<String, String> headers, String body) {
        static Reply of(int status) {
            return new Reply(status, Map.of(), "");
        }
    }

    /** One request a service took (decoded: for Web Push the decrypted JSON). */
    record Received(String service, String path, JsonObject payload, long atMillis, HttpVersion version) {
    }

    /** A browser subscription: its keys, as the node is given them, and the private key to read pushes. */
    record Subscription(String id, String endpoint, String p256dh, String auth, ECPrivateKey privateKey) {
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final int port;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Reply>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final KeyPair fcmAccount;
    private final KeyPair apnsKey;
    private final String webhookSecret;
    private final Map<String, Boolean> issuedTokens = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    PushServiceStandIn(TestTls tls, String webhookSecret) throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        this.fcmAccount = rsa.generateKeyPair();
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        this.apnsKey = ec.generateKeyPair();
        this.webhookSecret = webhookSecret;
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
                .setUseAlpn(true).setKeyCertOptions(new PfxOptions().setPath(tls.keyStore().toString())
                        .setPassword(tls.password())));
        server.requestHandler(req -> req.body().onSuccess(body -> {
            try {
                handle(req, body);
            } catch (Exception e) {
                problems.add(req.path() + ": " + e);
                req.response().setStatusCode(500).end();
            }
        }));
        this.port = server.listen().await(10, TimeUnit.SECONDS).actualPort();
    }

    String base() {
        return "https://127.0.0.1:" + port;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    List<Received> received(String service) {
        return received.stream().filter(r -> r.service().equals(service)).toList();
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    /** Queues replies for a service ({@code webpush}, {@code fcm}, {@code apns}, {@code webhook}). */
    void script(String service, Reply... replies) {
        scripts.computeIfAbsent(service, s -> new ArrayDeque<>()).addAll(Arrays.asList(replies));
    }

    /** The service account key file a node uses to reach this FCM. */
    String serviceAccountJson() {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(fcmAccount.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        return new JsonObject().put("type", "service_account").put("project_id", FCM_PROJECT)
                .put("client_email", "parley@parley-test.iam.gserviceaccount.com").put("private_key", pem)
                .put("token_uri", base() + "/token").encodePrettily();
    }

    /** The APNs signing key (.p8) a node uses to reach this APNs. */
    String apnsKeyPem() {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(apnsKey.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** A new browser subscription on this push service. */
    Subscription subscribe() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ua = g.generateKeyPair();
        byte[] auth = new byte[16];
        random.nextBytes(auth);
        String id = Long.toHexString(random.nextLong() & Long.MAX_VALUE);
        Subscription s = new Subscription(id, base() + "/wp/" + id, b64(raw((ECPublicKey) ua.getPublic())), b64(auth),
                (ECPrivateKey) ua.getPrivate());
        subscriptions.put(id, s);
        return s;
    }

    private void handle(HttpServerRequest req, Buffer body) throws Exception {
        String path = req.path();
        if (!"POST".equals(req.method().name())) {
            problems.add(path + ": method " + req.method());
        }
        String service;
        JsonObject payload;
        if (path.startsWith("/wp/")) {
            service = "webpush";
            payload = webPush(req, body);
        } else if (path.equals("/token")) {
            token(req, body);
            return;
        } else if (path.startsWith("/v1/projects/")) {
            service = "fcm";
            payload = fcm(req, body);
        } else if (path.startsWith("/3/device/")) {
            service = "apns";
            payload = apns(req, body);
        } else if (path.startsWith("/hook/")) {
            service = "webhook";
            payload = webhook(req, body);
        } else {
            problems.add("unexpected path " + path);
            req.response().setStatusCode(404).end();
            return;
        }
        received.add(new Received(service, path, payload, System.currentTimeMillis(), req.version()));
        Deque<Reply> script = scripts.get(service);
        Reply reply = script == null ? null : script.poll();
        if (reply == null) {
            reply = Reply.of(service.equals("webpush") ? 201 : 200);
        }
        if (reply.status() == HOLD) {
            return; // never answered: the node is to stop while waiting
        }
        var res = req.response().setStatusCode(reply.status());
        reply.headers().forEach(res::putHeader);
        res.end(reply.body());
    }

    // ---- Web Push: RFC 8030 delivery, RFC 8292 VAPID, RFC 8291 decryption ------------------

    private JsonObject webPush(HttpServerRequest req, Buffer body) throws Exception {
        String path = req.path();
        Subscription sub = subscriptions.get(path.substring("/wp/".length()));
        expect(sub != null, path + ": unknown subscription");
        expect("aes128gcm".equals(req.getHeader("Content-Encoding")), path + ": Content-Encoding must be aes128gcm");
        expect(req.getHeader("TTL") != null && req.getHeader("TTL").matches("\\d+"), path + ": TTL header missing");
        String topic = req.getHeader("Topic");
        expect(topic == null || topic.matches("[A-Za-z0-9_-]{1,32}"), path + ": bad Topic " + topic);
        String auth = req.getHeader("Authorization");
        expect(auth != null && auth.startsWith("vapid t="), path + ": no VAPID authorization");
        String jwt = auth.substring(8, auth.indexOf(", k="));
        String k = auth.substring(auth.indexOf(", k=") + 4);
        JsonObject claims = verifyJwt(jwt, ecPublic(unb64(k)), "SHA256withECDSAinP1363Format", "ES256");
        expect(claims.getString("aud").equals(base()), path + ": VAPID aud " + claims.getString("aud"));
        expect(claims.getLong("exp") > System.currentTimeMillis() / 1000
                && claims.getLong("exp") <= System.currentTimeMillis() / 1000 + 24 * 3600, path + ": VAPID exp");
        expect(claims.getString("sub").startsWith("mailto:"), path + ": VAPID sub");
        return new JsonObject(new String(decrypt(body.getBytes(), sub), StandardCharsets.UTF_8));
    }

    /** RFC 8291 section 3 as a user agent does it, written independently of the node's code. */
    private static byte[] decrypt(byte[] msg, Subscription sub) throws Exception {
        ByteBuffer header = ByteBuffer.wrap(msg);
        byte[] salt = new byte[16];
        header.get(salt);
        int rs = header.getInt();
        int idlen = header.get() & 0xff;
        byte[] asPublic = new byte[idlen];
        header.get(asPublic);
        if (rs < 18 || msg.length - 21 - idlen > rs) {
            throw new IllegalArgumentException("record size " + rs + " does not hold the message");
        }
        KeyAgreement ka = KeyAgreement.getInstance("ECDH");
        ka.init(sub.privateKey());
        ka.doPhase(ecPublic(asPublic), true);
        byte[] uaPublic = unb64(sub.p256dh());
        byte[] prkKey = hmac(unb64(sub.auth()), ka.generateSecret());
        byte[] info = cat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), uaPublic, asPublic, new byte[]{1});
        byte[] ikm = Arrays.copyOf(hmac(prkKey, info), 32);
        byte[] prk = hmac(salt, ikm);
        byte[] cek = Arrays.copyOf(hmac(prk, cat("Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII),
                new byte[]{1})), 16);
        byte[] nonce = Arrays.copyOf(hmac(prk, cat("Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII),
                new byte[]{1})), 12);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
        byte[] padded = c.doFinal(msg, 21 + idlen, msg.length - 21 - idlen);
        int end = padded.length - 1;
        while (end > 0 && padded[end] == 0) {
            end--;
        }
        if (padded[end] != 2) {
            throw new IllegalArgumentException("last record must end with delimiter 2");
        }
        return Arrays.copyOf(padded, end);
    }

    // ---- FCM HTTP v1 and its OAuth 2 token endpoint --------------------------------------

    private void token(HttpServerRequest req, Buffer body) throws Exception {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.toString().split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        expect("urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type")), "/token: grant_type");
        JsonObject claims = verifyJwt(form.get("assertion"), fcmAccount.getPublic(), "SHA256withRSA", "RS256");
        expect(claims.getString("aud").equals(base() + "/token"), "/token: aud");
        expect(claims.getString("scope").contains("firebase.messaging"), "/token: scope");
        expect(claims.getString("iss").endsWith(".iam.gserviceaccount.com"), "/token: iss");
        String token = "ya29." + Long.toHexString(random.nextLong());
        issuedTokens.put(token, true);
        req.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("access_token", token)
                .put("expires_in", 3599).put("token_type", "Bearer").encode());
    }

    private JsonObject fcm(HttpServerRequest req, Buffer body) {
        String path = req.path();
        expect(path.equals("/v1/projects/" + FCM_PROJECT + "/messages:send"), path + ": wrong FCM path");
        String auth = req.getHeader("Authorization");
        expect(auth != null && auth.startsWith("Bearer ") && issuedTokens.containsKey(auth.substring(7)),
                path + ": not a token this service issued");
        expect(req.getHeader("Content-Type").startsWith("application/json"), path + ": content type");
        JsonObject message = new JsonObject(body.toString()).getJsonObject("message");
        expect(message != null && message.getString("token") != null, path + ": message.token");
        JsonObject data = message.getJsonObject("data");
        expect(data != null && data.stream().allMatch(e -> e.getValue() instanceof String), path + ": data must be strings");
        expect(message.getJsonObject("notification") != null, path + ": notification");
        return message;
    }

    // ---- APNs over HTTP/2 with a provider token --------------------------------------------

    private JsonObject apns(HttpServerRequest req, Buffer body) throws Exception {
        String path = req.path();
        expect(req.version() == HttpVersion.HTTP_2, path + ": APNs takes HTTP/2 only, got " + req.version());
        expect(path.matches("/3/device/[0-9a-f]{64,}"), path + ": device token");
        String auth = req.getHeader("authorization");
        expect(auth != null && auth.startsWith("bearer "), path + ": no provider token");
        String jwt = auth.substring(7);
        JsonObject header = new JsonObject(new String(unb64(jwt.split("\\.")[0]), StandardCharsets.UTF_8));
        expect(APNS_KEY_ID.equals(header.getString("kid")), path + ": kid");
        JsonObject claims = verifyJwt(jwt, apnsKey.getPublic(), "SHA256withECDSAinP1363Format", "ES256");
        expect(APNS_TEAM.equals(claims.getString("iss")), path + ": iss");
        expect(Math.abs(claims.getLong("iat") - System.currentTimeMillis() / 1000) < 3600, path + ": iat");
        expect(APNS_TOPIC.equals(req.getHeader("apns-topic")), path + ": apns-topic");
        expect("alert".equals(req.getHeader("apns-push-type")), path + ": apns-push-type");
        JsonObject payload = new JsonObject(body.toString());
        expect(payload.getJsonObject("aps") != null && payload.getJsonObject("aps").getJsonObject("alert") != null,
                path + ": aps.alert");
        return payload.put("deviceToken", path.substring("/3/device/".length()));
    }

    // ---- webhook --------------------------------------------------------------------------

    private JsonObject webhook(HttpServerRequest req, Buffer body) throws Exception {
        String sig = req.getHeader("X-Parley-Signature");
        expect(sig != null && sig.matches("t=\\d+,v1=[0-9a-f]{64}"), req.path() + ": signature header " + sig);
        String t = sig.substring(2, sig.indexOf(','));
        String expected = HexFormat.of().formatHex(hmac(webhookSecret.getBytes(StandardCharsets.UTF_8),
                (t + "." + body.toString()).getBytes(StandardCharsets.UTF_8)));
        expect(sig.endsWith("v1=" + expected), req.path() + ": signature does not verify");
        return new JsonObject(body.toString());
    }

    // ---- helpers ----------------------------------------------------------------------------

    private void expect(boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
            throw new IllegalArgumentException(problem);
        }
    }

    private JsonObject verifyJwt(String jwt, PublicKey key, String algorithm, String alg) throws Exception {
        String[] parts = jwt.split("\\.");
        expect(parts.length == 3, "JWT must have three parts");
        JsonObject header = new JsonObject(new String(unb64(parts[0]), StandardCharsets.UTF_8));
        expect(alg.equals(header.getString("alg")), "JWT alg " + header.getString("alg"));
        Signature v = Signature.getInstance(algorithm);
        v.initVerify(key);
        v.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        expect(v.verify(unb64(parts[2])), "JWT signature does not verify");
        return new JsonObject(new String(unb64(parts[1]), StandardCharsets.UTF_8));
    }

    private static PublicKey ecPublic(byte[] raw) throws Exception {
        AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
        p.init(new ECGenParameterSpec("secp256r1"));
        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(raw, 1, 33)), new BigInteger(1, Arrays.copyOfRange(raw, 33, 65)));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, p.getParameterSpec(ECParameterSpec.class)));
    }

    private static byte[] raw(ECPublicKey k) {
        byte[] out = new byte[65];
        out[0] = 4;
        byte[] x = k.getW().getAffineX().toByteArray();
        byte[] y = k.getW().getAffineY().toByteArray();
        System.arraycopy(x, Math.max(0, x.length - 32), out, 1 + 32 - Math.min(32, x.length), Math.min(32, x.length));
        System.arraycopy(y, Math.max(0, y.length - 32), out, 33 + 32 - Math.min(32, y.length), Math.min(32, y.length));
        return out;
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(key, "HmacSHA256"));
        return m.doFinal(data);
    }

    private static byte[] cat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static byte[] unb64(String s) {
        return Base64.getUrlDecoder().decode(s);
    }

    List<String> paths() {
        List<String> out = new ArrayList<>();
        received.forEach(r -> out.add(r.path()));
        return out;
    }

    @Override
    public void close() {
        try {
            server.close().await(5, TimeUnit.SECONDS);
            vertx.close().await(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }
}
