package dev.parley.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and directories created readable by their owner only (0600 and 0700), for everything a
 * node keeps: the database and its log, backups, tokens and keys. The permissions are given at
 * creation, so there is no moment when another user could open the file. SQLite gives the log
 * ({@code -wal}) and shared-memory ({@code -shm}) files the permissions of their database file,
 * so creating the database file this way covers them. On a file system without POSIX permissions
 * the files are created plainly and the directory's protection has to do.
 */
public final class OwnerOnly {
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private OwnerOnly() {
    }

    /** Creates {@code dir} and any missing parents owner-only; leaves existing ones as they are. */
    public static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, attribute(DIRECTORY));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
    }

    /** Creates {@code file} owner-only; fails if it exists (so it cannot be a file someone else made). */
    public static void createFile(Path file) throws IOException {
        try {
            Files.createFile(file, attribute(FILE));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
    }

    /** Creates {@code file} owner-only unless it exists; returns whether it was created. */
    public static boolean createFileIfAbsent(Path file) throws IOException {
        try {
            createFile(file);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    /** Writes {@code text} to a new owner-only {@code file}. */
    public static void writeNew(Path file, String text) throws IOException {
        createFile(file);
        Files.writeString(file, text);
    }

    /** Whether others than the owner may read or write {@code file} (false where permissions are not POSIX). */
    public static boolean isOpenToOthers(Path file) throws IOException {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            return p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.GROUP_WRITE)
                    || p.contains(PosixFilePermission.OTHERS_READ) || p.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> permissions) {
        return PosixFilePermissions.asFileAttribute(permissions);
    }
}
