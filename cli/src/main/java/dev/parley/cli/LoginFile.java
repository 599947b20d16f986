package dev.parley.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.sdk.Session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * {@code session.json} in the Parley home directory: the server, token, user and device of the
 * current login. The token acts as the account, so the directory is {@code rwx------} and the
 * file {@code rw-------}, set when they are created (never readable by others, not even for a
 * moment) on file systems that have POSIX permissions.
 */
public final class LoginFile {
    static final String NAME = "session.json";
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path home;

    public LoginFile(Path home) {
        this.home = home;
    }

    public Path path() {
        return home.resolve(NAME);
    }

    /** The saved login, or empty when there is none. */
    public Optional<SavedLogin> read() {
        Path file = path();
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode f = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (!f.isObject()) {
                throw new IOException("not a JSON object");
            }
            return Optional.of(new SavedLogin(URI.create(f.path("server").textValue()),
                    new Session(f.path("token").textValue(), number(f, "userId"), number(f, "deviceId"),
                            f.path("username").textValue())));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(file + " is not a readable login; run 'parley login' again", e);
        }
    }

    /** Saves the login, replacing any other in one step. */
    public void write(SavedLogin login) {
        try {
            createPrivateDirectory();
            Path tmp = home.resolve(NAME + ".tmp");
            Files.deleteIfExists(tmp);
            createPrivateFile(tmp);
            Files.writeString(tmp, json(login), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, path(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path(), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the login in " + home, e);
        }
    }

    /** Forgets the login; true if there was one. */
    public boolean delete() {
        try {
            return Files.deleteIfExists(path());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void createPrivateDirectory() throws IOException {
        if (Files.isDirectory(home)) {
            if (posix()) {
                Files.setPosixFilePermissions(home, DIR);
            }
            return;
        }
        if (posix()) {
            Files.createDirectories(home, attribute(DIR));
            Files.setPosixFilePermissions(home, DIR); // the umask may have narrowed what was asked for
        } else {
            Files.createDirectories(home);
        }
    }

    private void createPrivateFile(Path file) throws IOException {
        try {
            if (posix()) {
                Files.createFile(file, attribute(FILE));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " appeared while saving", e);
        }
    }

    private boolean posix() {
        return home.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> perms) {
        return PosixFilePermissions.asFileAttribute(perms);
    }

    /** A whole-number field; anything else (a string, a fraction, nothing) makes the file unreadable. */
    private static long number(JsonNode login, String field) throws IOException {
        JsonNode n = login.path(field);
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new IOException("no whole number " + field);
        }
        return n.longValue();
    }

    private static String json(SavedLogin login) throws IOException {
        ObjectNode o = JSON.createObjectNode()
                .put("server", login.server().toString())
                .put("token", login.session().token())
                .put("userId", login.session().userId())
                .put("deviceId", login.session().deviceId())
                .put("username", login.session().username());
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
    }
}
