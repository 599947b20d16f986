package dev.parley.server.attachment;

import dev.parley.store.OwnerOnly;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The attachments of a single node's backup: beside the database copy {@code FILE}, the directory
 * {@code FILE.attachments} holds the bytes of every upload that copy names, laid out as the blob
 * directory is. Files are linked where the file system allows (a blob never changes, so a link is
 * as good as a copy and costs no space) and copied otherwise. A restore puts them back.
 */
public final class AttachmentBackup {
    private AttachmentBackup() {
    }

    /** Where the attachments of the database backup {@code backup} go. */
    public static Path beside(Path backup) {
        return backup.resolveSibling(backup.getFileName() + ".attachments");
    }

    /** Copies into {@link #beside} the bytes the backup names; answers how many blobs it holds. */
    public static int save(Path backup, Path blobRoot) throws IOException {
        Path target = beside(backup);
        OwnerOnly.createDirectories(target);
        int saved = 0;
        for (String sha : named(backup)) {
            Path relative = Path.of(sha.substring(0, 2), sha.substring(2, 4), sha);
            Path from = blobRoot.resolve(relative);
            if (!Files.exists(from)) {
                continue;
            }
            Path to = target.resolve(relative);
            OwnerOnly.createDirectories(to.getParent());
            if (!Files.exists(to)) {
                try {
                    Files.createLink(to, from);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            saved++;
        }
        return saved;
    }

    /** Puts the attachments saved beside {@code backup} into {@code blobRoot}; answers how many it put. */
    public static int restore(Path backup, Path blobRoot) throws IOException {
        Path from = beside(backup);
        if (!Files.isDirectory(from)) {
            return 0;
        }
        int restored = 0;
        for (Path first : list(from)) {
            for (Path second : list(first)) {
                for (Path blob : list(second)) {
                    Path to = blobRoot.resolve(from.relativize(blob));
                    OwnerOnly.createDirectories(to.getParent());
                    if (!Files.exists(to)) {
                        Path part = blobRoot.resolve(to.getFileName() + ".restoring");
                        Files.copy(blob, part, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(part, to, StandardCopyOption.ATOMIC_MOVE);
                    }
                    restored++;
                }
            }
        }
        return restored;
    }

    private static List<Path> list(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                s.forEach(out::add);
            }
        }
        return out;
    }

    private static List<String> named(Path backup) throws IOException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + backup.toAbsolutePath());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT DISTINCT sha256 FROM attachments")) {
            while (rs.next()) {
                String sha = rs.getString(1);
                if (sha != null && sha.matches("[0-9a-f]{64}")) {
                    out.add(sha);
                }
            }
        } catch (SQLException e) {
            throw new IOException("cannot read the backup's attachments: " + e.getMessage(), e);
        }
        return out;
    }
}
