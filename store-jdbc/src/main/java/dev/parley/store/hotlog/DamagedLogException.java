package dev.parley.store.hotlog;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The log cannot continue from the mark without losing records that a crash cannot have torn: a
 * gap between what SQLite has materialized and the log's first segment, or a mark that is no
 * record's start. A torn tail is not this: recovery cuts it. The node refuses to start with it.
 */
public final class DamagedLogException extends IOException {
    public DamagedLogException(Path dir, String problem) {
        super("the hot log in " + dir + " is damaged: " + problem);
    }
}
