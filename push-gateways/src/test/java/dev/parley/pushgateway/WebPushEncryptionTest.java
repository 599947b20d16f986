package dev.parley.pushgateway;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 8291 message encryption, checked against the RFC's own example. */
class WebPushEncryptionTest {
    // RFC 8291, Appendix A ("Intermediate Values for Encryption"), base64url as printed there.
    private static final String PLAINTEXT = "When I grow up, I want to be a watermelon";
    private static final String AS_PUBLIC = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    private static final String AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    private static final String UA_PUBLIC = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    private static final String UA_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
    private static final String SALT = "DGv6ra1nlYgDCS1FRnbzlw";
    private static final String AUTH_SECRET = "BTBZMqHH6r4Tts7J_aSIgg";
    private static final String CEK = "oIhVW04MRdy2XN9CiKLxTg";
    private static final String NONCE = "4h_95klXJ5E_qnoN";
    private static final String MESSAGE = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml"
            + "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT"
            + "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

    @Test
    void reproducesTheRfc8291ExampleByteForByte() {
        KeyPair as = new KeyPair(P256.publicKey(P256.unb64(AS_PUBLIC)), P256.privateKey(P256.unb64(AS_PRIVATE)));
        byte[] out = WebPushEncryption.encrypt(PLAINTEXT.getBytes(StandardCharsets.US_ASCII), P256.unb64(UA_PUBLIC),
                P256.unb64(AUTH_SECRET), as, P256.unb64(SALT));
        assertThat(P256.b64(out)).isEqualTo(MESSAGE);
    }

    @Test
    void derivesTheRfcsContentKeyAndNonce() throws Exception {
        javax.crypto.KeyAgreement ka = javax.crypto.KeyAgreement.getInstance("ECDH");
        ka.init(P256.privateKey(P256.unb64(AS_PRIVATE)));
        ka.doPhase(P256.publicKey(P256.unb64(UA_PUBLIC)), true);
        byte[][] keys = WebPushEncryption.contentKeys(ka.generateSecret(), P256.unb64(AUTH_SECRET),
                P256.unb64(UA_PUBLIC), P256.unb64(AS_PUBLIC), P256.unb64(SALT));
        assertThat(P256.b64(keys[0])).isEqualTo(CEK);
        assertThat(P256.b64(keys[1])).isEqualTo(NONCE);
    }

    @Test
    void theUserAgentDecryptsTheRfcExampleAndFreshMessages() throws Exception {
        ECPrivateKey uaPrivate = P256.privateKey(P256.unb64(UA_PRIVATE));
        byte[] uaPublic = P256.unb64(UA_PUBLIC);
        byte[] auth = P256.unb64(AUTH_SECRET);
        assertThat(new String(WebPushEncryption.decrypt(P256.unb64(MESSAGE), uaPrivate, uaPublic, auth),
                StandardCharsets.US_ASCII)).isEqualTo(PLAINTEXT);

        KeyPair ua = P256.generate();
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        byte[] ua65 = P256.raw((ECPublicKey) ua.getPublic());
        String json = "{\"type\":\"message\",\"preview\":\"h\u00e9llo \u263a\"}";
        byte[] first = WebPushEncryption.encrypt(json.getBytes(StandardCharsets.UTF_8), ua65, secret);
        byte[] second = WebPushEncryption.encrypt(json.getBytes(StandardCharsets.UTF_8), ua65, secret);
        assertThat(first).isNotEqualTo(second); // fresh key pair and salt each time
        assertThat(new String(WebPushEncryption.decrypt(first, (ECPrivateKey) ua.getPrivate(), ua65, secret),
                StandardCharsets.UTF_8)).isEqualTo(json);
    }
}
