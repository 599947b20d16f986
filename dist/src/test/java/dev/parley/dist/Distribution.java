package dev.parley.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Where the build put the artifacts under test, and how to unpack them as a user would. */
final class Distribution {
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path ROOT = MODULE.getParent();
    static final Path TARGET = MODULE.resolve("target");

    private Distribution() {
    }

    static String version() {
        return System.getProperty("parley.version");
    }

    /** parley-VERSION.tar.gz: runs on the machine's Java 21+. */
    static Path anyJdkTarball() {
        return TARGET.resolve("parley-" + version() + ".tar.gz");
    }

    static Path anyJdkZip() {
        return TARGET.resolve("parley-" + version() + ".zip");
    }

    /** parley-VERSION-linux-x64.tar.gz: with its own trimmed runtime. */
    static Path runtimeTarball() {
        return TARGET.resolve("parley-" + version() + "-linux-x64.tar.gz");
    }

    /** Unpacks a .tar.gz with tar into an empty directory; returns the archive's top directory. */
    static Path untar(Path archive, Path into) throws IOException, InterruptedException {
        Files.createDirectories(into);
        run(List.of("tar", "-xzf", archive.toString(), "-C", into.toString()));
        return into.resolve("parley-" + version());
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        return output(new ProcessBuilder(command));
    }

    /** Runs a command of an unpacked or installed Parley with only {@code env}; returns its output. */
    static String runIn(Path dir, Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        return output(pb);
    }

    /** Runs it to the end (two minutes at most); its output, stderr included, or why it failed. */
    private static String output(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", pb.command()) + " failed: " + out);
        }
        return out;
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
