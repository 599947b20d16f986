package dev.parley.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/Dockerfile without Docker (not available on the build machines): the image's files are
 * made the way its build stage makes them, from the linux-x64 archive this build produced, and
 * run with the final stage's entry point, environment and user (as that uid, when the test runs
 * as root); its health check command must pass, and two users chat through the node.
 * Not covered: the base images, apt-get and useradd in the image, Docker's volume handling.
 */
class ImageIT {
    private static final Path DOCKERFILE = Distribution.ROOT.resolve("deploy/Dockerfile");
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    @Test
    void imageRunsTheArchivesNodeAsItsUserAndPassesItsHealthCheck(@TempDir Path dir) throws Exception {
        Dockerfile image = Dockerfile.read(DOCKERFILE);

        // The build stage unpacks the linux-x64 archive into /opt/parley; do the same here.
        String unpack = image.runs().stream().filter(r -> r.contains("-linux-x64.tar.gz")).findFirst().orElseThrow();
        assertThat(unpack).contains("tar -xzf dist/target/parley-*-linux-x64.tar.gz -C /opt/parley --strip-components=1");
        Path root = dir.resolve("rootfs");
        Path opt = Files.createDirectories(root.resolve("opt/parley"));
        Distribution.run(List.of("tar", "-xzf", Distribution.runtimeTarball().toString(), "-C", opt.toString(),
                "--strip-components=1"));

        // A non-root user with a fixed uid, owning the data volume.
        Matcher uid = Pattern.compile("useradd --system --uid (\\d+) .* parley").matcher(String.join("\n", image.runs()));
        assertThat(uid.find()).as("the image creates its user with a fixed uid").isTrue();
        assertThat(image.user()).isEqualTo("parley");
        assertThat(image.volumes()).containsExactly("/var/lib/parley");
        assertThat(image.env()).containsEntry("PARLEY_STORAGE_DATA_DIR", "/var/lib/parley");
        assertThat(image.exposed()).containsExactly("8080");
        assertThat(image.entrypoint()).containsExactly("/opt/parley/bin/parley");
        assertThat(image.cmd()).containsExactly("serve");
        Path data = Files.createDirectories(root.resolve("var/lib/parley"));

        // The environment the container gets, with its paths under this test's root and a free port.
        int port = NodeRun.freePort();
        Map<String, String> env = new LinkedHashMap<>(image.env());
        env.put("PATH", DEFAULT_PATH);
        env.put("HOME", data.toString());
        env.put("PARLEY_STORAGE_DATA_DIR", data.toString());
        env.put("PARLEY_SERVER_PORT", Integer.toString(port));
        List<String> command = new ArrayList<>();
        if (Distribution.isRoot()) {
            String id = uid.group(1);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Distribution.run(List.of("chown", id + ":" + id, data.toString()));
            command.addAll(List.of("setpriv", "--reuid=" + id, "--regid=" + id, "--clear-groups", "--"));
        }
        for (String arg : image.entrypoint()) {
            command.add(arg.replace("/opt/parley", opt.toString()));
        }
        command.addAll(image.cmd());

        try (NodeRun node = NodeRun.start(command, env, data, port, dir.resolve("node.log"))) {
            assertThat(node.executable()).as("the trimmed runtime, not a JDK").isEqualTo(opt.resolve("runtime/bin/java").toString());
            if (Distribution.isRoot()) {
                assertThat(node.uid()).isEqualTo(uid.group(1));
            }
            // HEALTHCHECK CMD, as Docker runs its shell form: sh -c, in the container's environment
            // (fails the test if it exits non-zero).
            Distribution.runIn(data, env, "sh", "-c", image.healthcheck());

            TwoUsersChat.run(node.uri(), "hello from the image's files");
            assertThat(Files.exists(data.resolve("parley.db"))).isTrue();
        }
    }
}
