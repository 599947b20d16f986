package dev.parley.app;

import dev.parley.server.ParleyNode;
import dev.parley.server.ServerConfig;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

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
            deleteTree(data);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
