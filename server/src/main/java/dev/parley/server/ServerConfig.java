package dev.parley.server;

import dev.parley.store.Durability;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a node needs to start. Each part validates itself when built, so a bad setting
 * fails start-up with the setting's name in the message.
 */
public record ServerConfig(String host, int port, Path dataDir, Durability durability, int nodeNumber,
                           Limits limits, Timing timing, Passwords passwords, Storage storage) {

    public ServerConfig {
        require(host != null && !host.isBlank(), "server.host", "must not be empty");
        require(port >= 0 && port <= 65535, "server.port", "must be 0 to 65535");
        require(dataDir != null, "storage.dataDir", "must be set");
        require(durability != null, "storage.durability", "must be fsync or os");
        require(nodeNumber >= 0 && nodeNumber <= 31, "cluster.nodeNumber", "must be 0 to 31");
    }

    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", 8080, Path.of("data"), Durability.FSYNC, 0,
                Limits.defaults(), Timing.defaults(), Passwords.defaults(), Storage.defaults());
    }

    public ServerConfig withAddress(String host, int port) {
        return new ServerConfig(host, port, dataDir, durability, nodeNumber, limits, timing, passwords, storage);
    }

    public ServerConfig withDataDir(Path dir) {
        return new ServerConfig(host, port, dir, durability, nodeNumber, limits, timing, passwords, storage);
    }

    public ServerConfig withDurability(Durability d) {
        return new ServerConfig(host, port, dataDir, d, nodeNumber, limits, timing, passwords, storage);
    }

    public ServerConfig withLimits(Limits l) {
        return new ServerConfig(host, port, dataDir, durability, nodeNumber, l, timing, passwords, storage);
    }

    public ServerConfig withTiming(Timing t) {
        return new ServerConfig(host, port, dataDir, durability, nodeNumber, limits, t, passwords, storage);
    }

    public ServerConfig withPasswords(Passwords p) {
        return new ServerConfig(host, port, dataDir, durability, nodeNumber, limits, timing, p, storage);
    }

    static void require(boolean ok, String setting, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(setting + ": " + problem);
        }
    }

    /** Limits on every external input. */
    public record Limits(int maxFrameBytes, int hardFrameBytes, int maxBodyBytes, int sendsPerSecond, int sendBurst,
                         int framesPerSecond, int frameBurst, int maxPageSize, int outboundQueueBytes,
                         int maxHttpBodyBytes, int maxGroupSize, int maxCatchUp) {
        public Limits {
            require(maxFrameBytes >= 1024, "limits.maxFrameBytes", "must be at least 1024");
            require(hardFrameBytes >= maxFrameBytes, "limits.hardFrameBytes", "must be at least limits.maxFrameBytes");
            require(maxBodyBytes >= 1 && maxBodyBytes <= maxFrameBytes - 256, "limits.maxBodyBytes",
                    "must be 1 to limits.maxFrameBytes - 256");
            require(sendsPerSecond >= 1, "limits.sendsPerSecond", "must be at least 1");
            require(sendBurst >= 1, "limits.sendBurst", "must be at least 1");
            require(framesPerSecond >= 1, "limits.framesPerSecond", "must be at least 1");
            require(frameBurst >= 1, "limits.frameBurst", "must be at least 1");
            require(maxPageSize >= 1 && maxPageSize <= 1000, "limits.maxPageSize", "must be 1 to 1000");
            require(outboundQueueBytes >= 4096, "limits.outboundQueueBytes", "must be at least 4096");
            require(maxHttpBodyBytes >= 1024, "limits.maxHttpBodyBytes", "must be at least 1024");
            require(maxGroupSize >= 2, "limits.maxGroupSize", "must be at least 2");
            require(maxCatchUp >= 1, "limits.maxCatchUp", "must be at least 1");
        }

        public static Limits defaults() {
            return new Limits(64 * 1024, 1024 * 1024, 16 * 1024, 50, 200, 500, 2000, 200, 4 * 1024 * 1024,
                    64 * 1024, 1024, 10_000);
        }

        public Limits withSendRate(int perSecond, int burst) {
            return new Limits(maxFrameBytes, hardFrameBytes, maxBodyBytes, perSecond, burst, Math.max(framesPerSecond,
                    perSecond * 4), Math.max(frameBurst, burst * 4), maxPageSize, outboundQueueBytes, maxHttpBodyBytes,
                    maxGroupSize, maxCatchUp);
        }

        public Limits withOutboundQueueBytes(int bytes) {
            return new Limits(maxFrameBytes, hardFrameBytes, maxBodyBytes, sendsPerSecond, sendBurst, framesPerSecond,
                    frameBurst, maxPageSize, bytes, maxHttpBodyBytes, maxGroupSize, maxCatchUp);
        }

        public Limits withMaxGroupSize(int size) {
            return new Limits(maxFrameBytes, hardFrameBytes, maxBodyBytes, sendsPerSecond, sendBurst, framesPerSecond,
                    frameBurst, maxPageSize, outboundQueueBytes, maxHttpBodyBytes, size, maxCatchUp);
        }

        public Limits withMaxCatchUp(int messages) {
            return new Limits(maxFrameBytes, hardFrameBytes, maxBodyBytes, sendsPerSecond, sendBurst, framesPerSecond,
                    frameBurst, maxPageSize, outboundQueueBytes, maxHttpBodyBytes, maxGroupSize, messages);
        }
    }

    /** Heartbeats, timeouts and grace periods. */
    public record Timing(Duration heartbeat, Duration authTimeout, Duration presenceGrace, Duration typingExpiry) {
        public Timing {
            require(heartbeat != null && heartbeat.toMillis() >= 100, "timing.heartbeat", "must be at least 100ms");
            require(authTimeout != null && authTimeout.toMillis() >= 100, "timing.authTimeout", "must be at least 100ms");
            require(presenceGrace != null && !presenceGrace.isNegative(), "timing.presenceGrace", "must not be negative");
            require(typingExpiry != null && typingExpiry.toMillis() >= 100, "timing.typingExpiry", "must be at least 100ms");
        }

        public static Timing defaults() {
            return new Timing(Duration.ofSeconds(25), Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(6));
        }
    }

    /**
     * Argon2id parameters. The defaults are OWASP's minimum (19 MiB, 2 iterations, 1 lane); tests
     * and benchmarks that create thousands of users lower them.
     */
    public record Passwords(int memoryKiB, int iterations, int parallelism) {
        public Passwords {
            require(memoryKiB >= 8, "passwords.memoryKiB", "must be at least 8");
            require(iterations >= 1, "passwords.iterations", "must be at least 1");
            require(parallelism >= 1 && parallelism <= 16, "passwords.parallelism", "must be 1 to 16");
        }

        public static Passwords defaults() {
            return new Passwords(19 * 1024, 2, 1);
        }

        /** Cheap hashing for tests and load generation only; never for real accounts. */
        public static Passwords fastForTests() {
            return new Passwords(64, 1, 1);
        }
    }

    /** Store tuning. */
    public record Storage(int readers, int maxBatch) {
        public Storage {
            require(readers >= 1 && readers <= 64, "storage.readers", "must be 1 to 64");
            require(maxBatch >= 1 && maxBatch <= 100_000, "storage.maxBatch", "must be 1 to 100000");
        }

        public static Storage defaults() {
            return new Storage(4, 1024);
        }
    }
}
