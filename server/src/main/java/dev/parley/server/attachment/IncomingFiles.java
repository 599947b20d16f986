package dev.parley.server.attachment;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A node's directory of uploads being received. Whatever is in it when the node starts was left
 * by a run that stopped in the middle of receiving (each node of a cluster has its own, so none
 * deletes another's uploads in flight).
 */
final class IncomingFiles {
    private IncomingFiles() {
    }

    /** Creates {@code dir} if needed and deletes what a previous run left in it; answers {@code dir}. */
    static Path emptied(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir)) {
            for (Path p : leftovers) {
                Files.deleteIfExists(p);
            }
        }
        return dir;
    }
}
