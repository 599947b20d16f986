package dev.parley.pushgateway;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;

/**
 * The node's VAPID key pair (RFC 8292): generated on first start and kept in a file (readable by
 * the owner only), because browsers bind their subscriptions to the public key: a new key would
 * orphan every subscription. All nodes of a cluster must share the file.
 */
public final class VapidKeys {
    private final ECPrivateKey privateKey;
    private final byte[] publicKey;
    private final String subject;

    VapidKeys(ECPrivateKey privateKey, byte[] publicKey, String subject) {
        this.privateKey = privateKey;
        this.publicKey = publicKey.clone();
        this.subject = subject;
    }

    /** The keys in {@code file}, created there first when it does not exist. */
    public static VapidKeys loadOrCreate(Path file, String subject) {
        try {
            if (!Files.exists(file)) {
                KeyPair pair = P256.generate();
                String json = Json.write(Json.object()
                        .put("publicKey", P256.b64(P256.raw((ECPublicKey) pair.getPublic())))
                        .put("privateKey", P256.b64(P256.raw((ECPrivateKey) pair.getPrivate())))) + "\n";
                Path dir = file.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, "vapid", ".tmp");
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system
                }
                Files.writeString(tmp, json);
                publishUnlessPresent(tmp, file);
            }
            JsonNode keys = Json.read(Files.readString(file, StandardCharsets.UTF_8));
            String pub = Json.string(keys, "publicKey");
            String priv = Json.string(keys, "privateKey");
            if (pub == null || priv == null) {
                throw new IllegalArgumentException(file + ": must hold publicKey and privateKey (base64url)");
            }
            byte[] publicKey = P256.unb64(pub);
            P256.publicKey(publicKey);
            return new VapidKeys(P256.privateKey(P256.unb64(priv)), publicKey, subject);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the VAPID key file " + file, e);
        }
    }

    /**
     * Puts the complete {@code tmp} at {@code file} unless a file is already there, atomically:
     * nodes of a cluster starting at once on one shared file must all end with the same key. A
     * rename would replace a file another node made a moment earlier (each node then keeping its
     * own key); a hard link is created only if the name is free. Where links are not supported,
     * a move without replacing is the fallback (not atomic against a concurrent creator).
     */
    private static void publishUnlessPresent(Path tmp, Path file) throws IOException {
        try {
            Files.createLink(file, tmp);
        } catch (FileAlreadyExistsException e) {
            // another node made it first: use theirs
        } catch (UnsupportedOperationException | IOException e) {
            try {
                Files.move(tmp, file);
            } catch (FileAlreadyExistsException ignored) {
                // another node made it first: use theirs
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The public key as the browser's {@code applicationServerKey} wants it: base64url of the uncompressed point. */
    public String publicKeyBase64Url() {
        return P256.b64(publicKey);
    }

    /**
     * The {@code Authorization} header for a request to {@code endpoint} (RFC 8292 section 3): a
     * JWT for the endpoint's origin, valid for 12 hours, and the public key.
     */
    String authorization(URI endpoint, Instant now) {
        String audience = endpoint.getScheme() + "://" + endpoint.getRawAuthority();
        String jwt = Jwt.es256(Json.object().put("typ", "JWT").put("alg", "ES256"),
                Json.object().put("aud", audience).put("exp", now.getEpochSecond() + 12 * 3600).put("sub", subject),
                privateKey);
        return "vapid t=" + jwt + ", k=" + publicKeyBase64Url();
    }
}
