package dev.parley.server.support;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs a test mounts to fill up for real, which needs root (CI runs as root) and
 * permission to mount (not inside every container). Where {@code mount} is refused the test is
 * skipped, and says so, rather than faking a full disk.
 */
public final class SmallFileSystem {
    private SmallFileSystem() {
    }

    /** A new directory with a tmpfs of {@code size} (as mount takes it: 8m, 256k) mounted on it. */
    public static Path mount(String size, String test) throws Exception {
        Path mountPoint = Files.createTempDirectory("parley-small-fs");
        String why = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            why = "not running as root";
        } else {
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs",
                    mountPoint.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                why = "mount -t tmpfs failed: " + out.strip();
            }
        }
        if (why != null) {
            Files.deleteIfExists(mountPoint);
            Assumptions.abort(test + " needs root and permission to mount a small tmpfs (" + why + "); skipped");
        }
        return mountPoint;
    }

    /** Unmounts (lazily if it is busy) and removes the directory; nothing when {@code mountPoint} is null. */
    public static void unmount(Path mountPoint) throws Exception {
        if (mountPoint == null) {
            return;
        }
        Process p = new ProcessBuilder("umount", mountPoint.toString()).inheritIO().start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            new ProcessBuilder("umount", "-l", mountPoint.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(mountPoint);
    }
}
