package dev.parley.core.account;

/**
 * Hashes and verifies passwords. Implementations are slow on purpose (Argon2id) and block; call
 * them off the event loop.
 */
public interface PasswordHasher {

    /** An encoded hash that carries its own parameters and salt. */
    String hash(String password);

    /** Whether the password matches the encoded hash, in time independent of where they differ. */
    boolean verify(String password, String encodedHash);
}
