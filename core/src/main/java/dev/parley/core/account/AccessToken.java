package dev.parley.core.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A bearer token: 256 random bits, given to the client once. The node keeps only its SHA-256
 * hash, so a stolen database does not hand out live sessions.
 */
public final class AccessToken {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Tokens are 43 base64url characters; anything much longer is not ours and is not hashed. */
    public static final int MAX_LENGTH = 128;

    private AccessToken() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
