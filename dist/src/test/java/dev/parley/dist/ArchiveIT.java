package dev.parley.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The release archives, unpacked into an empty directory as a user would: what they hold, and a
 * node started from each (on the machine's JDK, and on the archive's own runtime with no other
 * Java to be found) that two users chat through.
 */
class ArchiveIT {

    @Test
    void tarballAndZipHoldTheCommandJarsExamplesDocsAndLicenceFiles(@TempDir Path dir) throws Exception {
        Path home = Distribution.untar(Distribution.anyJdkTarball(), dir);
        for (String f : List.of("bin/parley", "lib/jdk.sh", "lib/parley-app-" + Distribution.version() + ".jar",
                "config/example-single-node.yaml", "config/example-cluster.yaml", "docs/operations.md",
                "deploy/grafana/parley.json", "deploy/prometheus/alerts.yml", "README.md", "LICENSE", "NOTICE",
                "CHANGELOG.md", "SECURITY.md")) {
            assertThat(home.resolve(f)).as(f).isRegularFile();
        }
        assertThat(home.resolve("runtime")).as("no runtime in the any-JDK archive").doesNotExist();
        assertThat(Files.readString(home.resolve("NOTICE"))).isEqualTo(Files.readString(Distribution.ROOT.resolve("NOTICE")));
        assertThat(Files.getPosixFilePermissions(home.resolve("bin/parley"))).contains(PosixFilePermission.OTHERS_EXECUTE);
        try (Stream<Path> all = Files.walk(home)) {
            assertThat(all.filter(Files::isRegularFile).filter(f -> !readableByOthers(f)).toList())
                    .as("files another user (the service's) cannot read").isEmpty();
        }

        Set<String> inTarball = new TreeSet<>(Arrays.asList(Distribution.run(
                List.of("tar", "-tzf", Distribution.anyJdkTarball().toString())).split("\n")));
        inTarball.removeIf(e -> e.endsWith("/"));
        Set<String> inZip = new TreeSet<>();
        try (ZipFile zip = new ZipFile(Distribution.anyJdkZip().toFile())) {
            zip.stream().filter(e -> !e.isDirectory()).forEach(e -> inZip.add(e.getName()));
        }
        assertThat(inZip).isEqualTo(inTarball);
    }

    private static boolean readableByOthers(Path f) {
        try {
            return Files.getPosixFilePermissions(f).contains(PosixFilePermission.OTHERS_READ);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void runsOnTheMachinesJdkAndTwoUsersChat(@TempDir Path dir) throws Exception {
        Path home = Distribution.untar(Distribution.anyJdkTarball(), dir.resolve("unpacked"));
        String jdk = System.getProperty("java.home");
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "JAVA_HOME", jdk, "HOME", dir.toString());

        assertThat(Distribution.runIn(home, env, "bin/parley", "--version")).startsWith("parley " + Distribution.version());
        int port = NodeRun.freePort();
        try (NodeRun node = NodeRun.start(List.of(home.resolve("bin/parley").toString(), "serve", "--port",
                Integer.toString(port), "--data", dir.resolve("data").toString()), env, dir, port, dir.resolve("node.log"))) {
            assertThat(node.executable()).startsWith(jdk);
            TwoUsersChat.run(node.uri(), "hello from the archive");
            assertThat(node.stop()).as("exit code after SIGTERM").isIn(0, 143);
        }
    }

    @Test
    void linuxArchiveRunsOnItsOwnRuntimeWithNoOtherJavaFound(@TempDir Path dir) throws Exception {
        Path home = Distribution.untar(Distribution.runtimeTarball(), dir.resolve("unpacked"));
        // No JAVA_HOME, and the only java on PATH is whatever /usr/bin has (17 on the dev machine):
        // the launcher must take runtime/ and nothing else.
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "HOME", dir.toString());
        assertThat(Files.isExecutable(home.resolve("runtime/bin/java"))).isTrue();

        int port = NodeRun.freePort();
        List<String> serve = new ArrayList<>(List.of(home.resolve("bin/parley").toString(), "serve", "--port",
                Integer.toString(port), "--data", dir.resolve("data").toString()));
        try (NodeRun node = NodeRun.start(serve, env, dir, port, dir.resolve("node.log"))) {
            assertThat(node.executable()).isEqualTo(home.resolve("runtime/bin/java").toString());
            TwoUsersChat.run(node.uri(), "hello from the trimmed runtime");
        }
    }
}
