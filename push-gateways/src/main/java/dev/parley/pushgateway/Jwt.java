package dev.parley.pushgateway;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;

/** Compact JWS (RFC 7515) signing for the provider tokens: ES256 (VAPID, APNs) and RS256 (Google OAuth). */
final class Jwt {
    private Jwt() {
    }

    /** ES256: ECDSA P-256 with SHA-256, the signature as R || S (64 bytes, RFC 7518 section 3.4). */
    static String es256(ObjectNode header, ObjectNode claims, PrivateKey key) {
        return sign(header, claims, key, "SHA256withECDSAinP1363Format");
    }

    /** RS256: RSASSA-PKCS1-v1_5 with SHA-256. */
    static String rs256(ObjectNode header, ObjectNode claims, PrivateKey key) {
        return sign(header, claims, key, "SHA256withRSA");
    }

    private static String sign(ObjectNode header, ObjectNode claims, PrivateKey key, String algorithm) {
        String input = P256.b64(Json.write(header).getBytes(StandardCharsets.UTF_8)) + "."
                + P256.b64(Json.write(claims).getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + P256.b64(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
        }
    }
}
