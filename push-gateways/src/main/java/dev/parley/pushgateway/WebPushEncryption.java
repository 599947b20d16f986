package dev.parley.pushgateway;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;

/**
 * Message encryption for Web Push (RFC 8291) in the {@code aes128gcm} content coding (RFC 8188):
 * one record, encrypted to the subscription's P-256 key and authentication secret with a fresh
 * application-server key pair and salt per message.
 */
public final class WebPushEncryption {
    /** The record size announced in the header; the whole message fits one record. */
    static final int RECORD_SIZE = 4096;
    /** Header (86 bytes), padding delimiter and tag take the rest of a record. */
    public static final int MAX_PLAINTEXT = RECORD_SIZE - 86 - 1 - 16;

    private static final SecureRandom RANDOM = new SecureRandom();

    private WebPushEncryption() {
    }

    /** Encrypts {@code plaintext} for the subscription with a fresh key pair and salt. */
    public static byte[] encrypt(byte[] plaintext, byte[] uaPublic, byte[] authSecret) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return encrypt(plaintext, uaPublic, authSecret, P256.generate(), salt);
    }

    /**
     * Encrypts with the given application-server key pair and salt (RFC 8291 section 3.4, with the
     * key derivation of section 3.3). Fixed inputs reproduce the RFC's Appendix A.
     */
    public static byte[] encrypt(byte[] plaintext, byte[] uaPublic, byte[] authSecret, KeyPair asKeys, byte[] salt) {
        if (plaintext.length > MAX_PLAINTEXT) {
            throw new IllegalArgumentException("push payload over " + MAX_PLAINTEXT + " bytes");
        }
        try {
            byte[] asPublic = P256.raw((ECPublicKey) asKeys.getPublic());
            // ecdh_secret = ECDH(as_private, ua_public)
            KeyAgreement ka = KeyAgreement.getInstance("ECDH");
            ka.init(asKeys.getPrivate());
            ka.doPhase(P256.publicKey(uaPublic), true);
            byte[] ecdhSecret = ka.generateSecret();
            byte[][] keys = contentKeys(ecdhSecret, authSecret, uaPublic, asPublic, salt);

            // A single record: the plaintext, then the last-record padding delimiter 0x02 (RFC 8188 section 2).
            byte[] padded = Arrays.copyOf(plaintext, plaintext.length + 1);
            padded[plaintext.length] = 2;
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys[0], "AES"), new GCMParameterSpec(128, keys[1]));
            byte[] ciphertext = gcm.doFinal(padded);

            // Header: salt (16) | rs (uint32) | idlen (1) | keyid = as_public (65)  (RFC 8188 section 2.1, RFC 8291 section 4)
            ByteArrayOutputStream out = new ByteArrayOutputStream(86 + ciphertext.length);
            out.writeBytes(salt);
            out.writeBytes(ByteBuffer.allocate(4).putInt(RECORD_SIZE).array());
            out.write(asPublic.length);
            out.writeBytes(asPublic);
            out.writeBytes(ciphertext);
            return out.toByteArray();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot encrypt for this subscription: " + e.getMessage(), e);
        }
    }

    /**
     * Decrypts a message encrypted to the user agent's key: what a browser does. For tests and
     * for the local test push service.
     */
    public static byte[] decrypt(byte[] message, ECPrivateKey uaPrivate, byte[] uaPublic, byte[] authSecret)
            throws GeneralSecurityException {
        byte[] salt = Arrays.copyOfRange(message, 0, 16);
        int idlen = message[20] & 0xff;
        byte[] asPublic = Arrays.copyOfRange(message, 21, 21 + idlen);
        KeyAgreement ka = KeyAgreement.getInstance("ECDH");
        ka.init(uaPrivate);
        ka.doPhase(P256.publicKey(asPublic), true);
        byte[][] keys = contentKeys(ka.generateSecret(), authSecret, uaPublic, asPublic, salt);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keys[0], "AES"), new GCMParameterSpec(128, keys[1]));
        byte[] padded = gcm.doFinal(message, 21 + idlen, message.length - 21 - idlen);
        int end = padded.length - 1;
        while (end >= 0 && padded[end] == 0) {
            end--;
        }
        if (end < 0 || padded[end] != 2) {
            throw new GeneralSecurityException("no last-record padding delimiter");
        }
        return Arrays.copyOf(padded, end);
    }

    /** {CEK, NONCE} from the ECDH secret (RFC 8291 section 3.4). */
    static byte[][] contentKeys(byte[] ecdhSecret, byte[] authSecret, byte[] uaPublic, byte[] asPublic, byte[] salt)
            throws GeneralSecurityException {
        // PRK_key = HKDF-Extract(auth_secret, ecdh_secret); key_info = "WebPush: info" || 0x00 || ua_public || as_public
        byte[] prkKey = hmac(authSecret, ecdhSecret);
        byte[] keyInfo = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), uaPublic, asPublic);
        byte[] ikm = expand(prkKey, keyInfo, 32);
        // PRK = HKDF-Extract(salt, IKM); CEK and NONCE from their content-coding info strings
        byte[] prk = hmac(salt, ikm);
        byte[] cek = expand(prk, "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), 16);
        byte[] nonce = expand(prk, "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), 12);
        return new byte[][]{cek, nonce};
    }

    static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    /** HKDF-Expand (RFC 5869) for at most one block, which is all Web Push needs. */
    private static byte[] expand(byte[] prk, byte[] info, int length) throws GeneralSecurityException {
        return Arrays.copyOf(hmac(prk, concat(info, new byte[]{1})), length);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
