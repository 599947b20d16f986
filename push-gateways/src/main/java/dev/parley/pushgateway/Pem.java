package dev.parley.pushgateway;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/** Private keys from PEM text (PKCS #8, {@code -----BEGIN PRIVATE KEY-----}), as APNs and Google hand them out. */
final class Pem {
    private Pem() {
    }

    static PrivateKey privateKey(String pem, String algorithm) {
        String body = pem.replaceAll("-----(BEGIN|END) [A-Z ]*PRIVATE KEY-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a PKCS #8 " + algorithm + " private key in PEM form");
        }
    }
}
