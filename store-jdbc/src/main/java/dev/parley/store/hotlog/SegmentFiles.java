package dev.parley.store.hotlog;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The names in the log's directory: {@code <first ordinal, 20 digits>.log} for segments (so they
 * sort by name as by ordinal), {@value #SPARE} for the preallocated next one; and the directory
 * sync that makes a rename or a new name durable.
 */
final class SegmentFiles {
    static final String SPARE = "spare.tmp";
    private static final Pattern NAME = Pattern.compile("\\d{20}\\.log");

    private SegmentFiles() {
    }

    static Path segment(Path dir, long first) {
        return dir.resolve(String.format("%020d.log", first));
    }

    static Path spare(Path dir) {
        return dir.resolve(SPARE);
    }

    /** The first ordinals of the segments in {@code dir}, ascending. */
    static List<Long> list(Path dir) throws IOException {
        List<Long> firsts = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (NAME.matcher(name).matches()) {
                    firsts.add(Long.parseLong(name.substring(0, 20)));
                }
            }
        }
        firsts.sort(null);
        return firsts;
    }

    /** Makes the directory's entries (a rename, a new or deleted file) durable. */
    static void sync(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
