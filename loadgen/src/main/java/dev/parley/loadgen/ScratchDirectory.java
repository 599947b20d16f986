package dev.parley.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A directory the shipped commands make for one run (a node's data, files to upload) and remove
 * after it. Removal is best effort: a leftover temporary directory is harmless, and a failure to
 * clean up must not turn a finished run into a failed one.
 */
public final class ScratchDirectory {
    private ScratchDirectory() {
    }

    /** Removes {@code root} and everything below it, ignoring what cannot be removed. */
    public static void remove(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort, as above
        }
    }
}
