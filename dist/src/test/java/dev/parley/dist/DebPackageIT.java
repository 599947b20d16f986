package dev.parley.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * parley_VERSION_amd64.deb installed on this machine with dpkg (the build runs as root in CI),
 * its node started the way parley.service starts it (systemd does not run here: the unit's
 * command, as its user, with its environment, directory, umask and file limit), two users
 * chatting through it, then removed and purged. The systemd sandbox itself is not exercised
 * here; `systemd-analyze` checks the installed unit and scores its sandbox.
 */
class DebPackageIT {
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final Path UNIT = Path.of("/usr/lib/systemd/system/parley.service");

    @Test
    void installsRunsAsTheUnitDoesChatsAndPurgesCleanly(@TempDir Path dir) throws Exception {
        assumeTrue(Distribution.isRoot(), "skipped: installing a Debian package needs root (CI runs as root)");
        assumeTrue(onPath("dpkg") && onPath("setpriv") && onPath("prlimit"),
                "skipped: needs dpkg, setpriv and prlimit (a Debian-like system)");
        Path deb;
        try (Stream<Path> files = Files.list(Distribution.TARGET)) {
            deb = files.filter(f -> f.getFileName().toString().matches("parley_.*_amd64\\.deb")).findFirst().orElseThrow();
        }
        // One package test at a time on a machine (two checkouts building at once).
        try (FileChannel lockFile = FileChannel.open(Path.of("/tmp/parley-deb-test.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockFile.lock()) {
            assumeTrue(!installed(), "skipped: a parley package is already installed here; not touching it");
            try {
                installAndChat(deb, dir);
                removeThenPurge();
            } finally {
                if (installed()) {
                    dpkg("--purge", "parley");
                }
            }
        }
    }

    private void installAndChat(Path deb, Path dir) throws Exception {
        dpkg("-i", deb.toString());
        dpkg("-i", deb.toString()); // again, as an upgrade would: the scripts must cope

        assertThat(Path.of("/usr/bin/parley").toRealPath()).isEqualTo(Path.of("/usr/lib/parley/bin/parley"));
        assertThat(Distribution.run(List.of("getent", "passwd", "parley")))
                .contains(":/var/lib/parley:").contains("nologin");
        PosixFileAttributes state = Files.readAttributes(Path.of("/var/lib/parley"), PosixFileAttributes.class);
        assertThat(state.owner().getName()).isEqualTo("parley");
        assertThat(PosixFilePermissions.toString(state.permissions())).isEqualTo("rwxr-x---");
        PosixFileAttributes config = Files.readAttributes(Path.of("/etc/parley/parley.yaml"), PosixFileAttributes.class);
        assertThat(config.group().getName()).isEqualTo("parley");
        assertThat(PosixFilePermissions.toString(config.permissions())).isEqualTo("rw-r-----");
        if (onPath("systemd-analyze")) {
            Distribution.run(List.of("systemd-analyze", "verify", UNIT.toString()));
            // systemd's own score of the sandbox, 0 (locked down) to 10; 1.7 when written.
            Distribution.run(List.of("systemd-analyze", "security", "--offline=true", "--threshold=20", UNIT.toString()));
        }

        SystemdUnit unit = SystemdUnit.read(UNIT);
        assertThat(unit.one("User")).isEqualTo("parley");
        assertThat(unit.one("StateDirectory")).isEqualTo("parley");
        assertThat(unit.one("ProtectSystem")).isEqualTo("strict");
        assertThat(unit.one("NoNewPrivileges")).isEqualTo("yes");
        assertThat(unit.environment().get("PARLEY_JAVA_OPTS")).contains("-XX:+ExitOnOutOfMemoryError");
        // The unit's file limit, or this machine's hard limit where that is lower (a container's
        // root may not raise it; systemd, as PID 1 of a real system, can).
        String files = Long.toString(Math.min(Long.parseLong(unit.one("LimitNOFILE")), hardFileLimit()));

        // What systemd would run: the unit's command as its user, in its directory, with its
        // umask, file limit and environment (only the port moves, to a free one).
        int port = NodeRun.freePort();
        Map<String, String> env = new LinkedHashMap<>(unit.environment());
        env.put("PATH", DEFAULT_PATH);
        env.put("HOME", "/var/lib/parley");
        env.put("USER", "parley");
        env.put("LOGNAME", "parley");
        env.put("PARLEY_SERVER_PORT", Integer.toString(port));
        List<String> command = new ArrayList<>(List.of("prlimit", "--nofile=" + files + ":" + files, "--",
                "setpriv", "--reuid=" + unit.one("User"), "--regid=" + unit.one("Group"), "--init-groups", "--",
                "bash", "-c", "umask " + unit.one("UMask") + " && exec \"$@\"", "parley"));
        command.addAll(unit.execStart());
        Path workDir = Path.of(unit.one("WorkingDirectory"));
        try (NodeRun node = NodeRun.start(command, env, workDir, port, dir.resolve("node.log"))) {
            assertThat(node.user()).isEqualTo("parley");
            assertThat(node.executable()).isEqualTo("/usr/lib/parley/runtime/bin/java");
            assertThat(Files.readAllLines(Path.of("/proc/" + node.pid() + "/limits")))
                    .anyMatch(l -> l.matches("Max open files\\s+" + files + "\\s+" + files + "\\s+files\\s*"));
            TwoUsersChat.run(node.uri(), "hello from the Debian package");
            assertThat(node.stop()).as("exit code after SIGTERM (the unit's SuccessExitStatus)").isIn(0, 143);
        }
        Path db = Path.of("/var/lib/parley/parley.db");
        assertThat(Files.getOwner(db).getName()).isEqualTo("parley");
        // The node creates its database owner-only whatever the umask (docs/operations.md, "File permissions").
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db))).isEqualTo("rw-------");
        assertThat(Path.of("/var/lib/parley/parley.jsa")).as("class-data archive written at exit").exists();
    }

    private void removeThenPurge() throws Exception {
        dpkg("--remove", "parley");
        assertThat(Path.of("/usr/lib/parley")).doesNotExist();
        assertThat(Files.exists(Path.of("/usr/bin/parley"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Path.of("/etc/parley/parley.yaml")).as("remove keeps the configuration").exists();
        assertThat(Path.of("/var/lib/parley/parley.db")).as("remove keeps the data").exists();

        dpkg("--purge", "parley");
        assertThat(Path.of("/etc/parley")).doesNotExist();
        assertThat(Path.of("/var/lib/parley")).doesNotExist();
        assertThat(UNIT).doesNotExist();
        assertThat(new ProcessBuilder("getent", "passwd", "parley").start().waitFor()).as("parley user gone").isEqualTo(2);
        assertThat(installed()).isFalse();
    }

    private static long hardFileLimit() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/limits")).stream().filter(l -> l.startsWith("Max open files"))
                .map(l -> l.substring("Max open files".length()).strip().split("\\s+")[1])
                .mapToLong(v -> v.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(v)).findFirst().orElseThrow();
    }

    private static boolean installed() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("dpkg-query", "-W", "-f=${Status}", "parley").redirectErrorStream(true).start();
        String status = new String(p.getInputStream().readAllBytes());
        p.waitFor(30, TimeUnit.SECONDS);
        return p.exitValue() == 0 && !status.contains("not-installed") && !status.isBlank();
    }

    private static void dpkg(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("dpkg"));
        cmd.addAll(List.of(args));
        Distribution.run(cmd);
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", DEFAULT_PATH).split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/usr/bin", tool));
    }
}
