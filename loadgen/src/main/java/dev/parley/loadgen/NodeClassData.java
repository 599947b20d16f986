package dev.parley.loadgen;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The class-data archive or AOT cache `./parley serve` starts with, for the node the tool starts, so a run
 * measures the start an operator gets (a restart in {@code reconnect} above all). `./parley bench`
 * records the archive if needed, as `./parley serve` does, and names it in the system property
 * {@value #PROPERTY}; `PARLEY_CLASS_DATA=off` leaves it unset, and the node starts without.
 * An archive the JVM finds unusable is ignored (the start is only slower), as for `serve`.
 */
final class NodeClassData {
    static final String PROPERTY = "parley.nodeClassData";

    private NodeClassData() {
    }

    /** The JVM options that map the archive; none when there is none or {@code jvm} names one already. */
    static List<String> options(List<String> jvm) {
        String archive = System.getProperty(PROPERTY);
        if (archive == null || archive.isBlank() || !Files.isRegularFile(Path.of(archive))
                || jvm.stream().anyMatch(o -> o.startsWith("-XX:SharedArchiveFile") || o.startsWith("-XX:AOTCache")
                        || o.startsWith("-Xshare"))) {
            return List.of();
        }
        // ./parley records an AOT cache (.aot) on JDK 25 and newer, a dynamic archive (.jsa) before.
        String map = archive.endsWith(".aot") ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=";
        List<String> options = new ArrayList<>(List.of(map + archive, "-Xlog:cds*=off", "-Xlog:aot*=off"));
        // The SQLite driver's library the same training run wrote beside it, as ./parley serve uses it.
        Path library = Path.of(archive).resolveSibling("native").resolve("libsqlitejdbc.so");
        if (Files.isRegularFile(library)) {
            options.add("-Dorg.sqlite.lib.path=" + library.getParent());
            options.add("-Dorg.sqlite.lib.name=" + library.getFileName());
        }
        return options;
    }
}
