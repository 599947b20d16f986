package dev.parley.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code DATA/admin.url}: where the running node serves its administration API (its own
 * address, loopback by default, often a port chosen at start), so {@code parley admin --data DIR}
 * finds it without being told.
 */
public final class AdminAddress {
    private static final Logger log = LoggerFactory.getLogger(AdminAddress.class);
    public static final String FILE = "admin.url";

    private AdminAddress() {
    }

    static void write(Path dataDir, String url) {
        try {
            Files.createDirectories(dataDir);
            Files.writeString(dataDir.resolve(FILE), url + "\n");
        } catch (IOException e) {
            log.warn("cannot write {} ({}); give parley admin --url {}", dataDir.resolve(FILE), e.toString(), url);
        }
    }

    static void remove(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve(FILE));
        } catch (IOException ignored) {
            // a stale file only points parley admin at a closed port
        }
    }

    /** The URL the node serving the directory wrote, if any. */
    public static Optional<String> read(Path dataDir) {
        try {
            String url = Files.readString(dataDir.resolve(FILE)).strip();
            return url.isEmpty() ? Optional.empty() : Optional.of(url);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
