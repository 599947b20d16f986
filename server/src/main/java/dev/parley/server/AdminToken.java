package dev.parley.server;

import dev.parley.core.account.AccessToken;
import dev.parley.store.OwnerOnly;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The administration API's token: the configured one, or else one kept in
 * {@code DATA/admin.token}, created on first start with owner-only permissions, so an operator on
 * the node's machine can run {@code parley admin --data DIR} without configuring anything.
 */
public final class AdminToken {
    public static final String FILE = "admin.token";

    private AdminToken() {
    }

    public static String obtain(ServerConfig config) {
        if (config.admin().token() != null) {
            return config.admin().token();
        }
        Path file = config.dataDir().resolve(FILE);
        try {
            if (Files.exists(file)) {
                return Files.readString(file).strip();
            }
            String token = AccessToken.generate();
            OwnerOnly.createDirectories(config.dataDir());
            OwnerOnly.writeNew(file, token + "\n");
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }
}
