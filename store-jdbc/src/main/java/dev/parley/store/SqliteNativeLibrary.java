package dev.parley.store;

import org.sqlite.util.OSInfo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The SQLite driver's native library, written out once so a start can load it from there
 * ({@code -Dorg.sqlite.lib.path}, {@code -Dorg.sqlite.lib.name}) instead of the driver writing it
 * to the temporary directory again and comparing it byte for byte with the jar's copy: that was
 * ~0.1 s of every start's path to ready. {@code ./parley} writes it beside its class-data cache
 * once per build. Where the file cannot be loaded the driver falls back to its own extraction.
 */
public final class SqliteNativeLibrary {
    private SqliteNativeLibrary() {
    }

    /** The file's name on this platform ({@code libsqlitejdbc.so} on Linux). */
    public static String fileName() {
        return System.mapLibraryName("sqlitejdbc");
    }

    /**
     * Writes this driver's library for this platform to {@code dir}, under a temporary name
     * renamed into place (a start never loads a half-written file). Returns false when the driver
     * has none for this platform.
     */
    public static boolean writeTo(Path dir) throws IOException {
        String resource = "/org/sqlite/native/" + OSInfo.getNativeLibFolderPathForCurrentOS() + "/" + fileName();
        try (InputStream in = OSInfo.class.getResourceAsStream(resource)) {
            if (in == null) {
                return false;
            }
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, fileName(), ".part");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, dir.resolve(fileName()), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return true;
        }
    }
}
