package dev.parley.app;

import dev.parley.loadgen.ScratchDirectory;
import dev.parley.server.ParleyNode;
import dev.parley.server.ServerConfig;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The start that {@code ./parley} records for class-data sharing ({@code serve
 * --class-data-training}, run under {@code -XX:ArchiveClassesAtExit}): a node on the defaults, in a
 * temporary data directory, on a free loopback port, started until ready and closed. What it
 * loads is what a real start loads before it is ready, so the next start maps those classes from
 * the archive instead of loading and verifying them. It reads no configuration file and no
 * {@code PARLEY_*} variable: a training run must never join a cluster or touch real data.
 */
final class ClassDataTraining {
    private ClassDataTraining() {
    }

    static int run() throws Exception {
        Path data = Files.createTempDirectory("parley-class-data-");
        try {
            ServerConfig c = ServerConfig.defaults().withDataDir(data.resolve("data")).withAddress("127.0.0.1", 0);
            try (ParleyNode node = ParleyNode.start(c, false)) {
                return node.port() > 0 ? 0 : 1;
            }
        } finally {
            ScratchDirectory.remove(data);
        }
    }
}
