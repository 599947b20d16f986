package dev.parley.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code parley} command as its own process, on this test's class path: what a user's shell
 * runs, with the environment and working directory the test chooses. Quick to start (C1 only,
 * serial GC), since a test runs it many times.
 */
public final class ParleyCommand {
    private static final long TIMEOUT_SECONDS = 120;

    private ParleyCommand() {
    }

    /** What a finished process printed, and its exit code. */
    public record Result(int exitCode, String out, String err) {
    }

    /** The java command line that runs {@code parley}, without its arguments. */
    public static List<String> javaCommand() {
        return List.of(ProcessHandle.current().info().command().orElse("java"), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Parley.class.getName());
    }

    /** Writes an executable {@code parley} script into {@code dir} that runs the command on this class path. */
    public static Path script(Path dir) throws IOException {
        StringBuilder line = new StringBuilder("exec");
        for (String part : javaCommand()) {
            line.append(" '").append(part.replace("'", "'\\''")).append('\'');
        }
        Path file = dir.resolve("parley");
        Files.writeString(file, "#!/usr/bin/env bash\n" + line + " \"$@\"\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** Runs {@code parley ARGS} in {@code dir} with these variables added to the environment. */
    public static Result run(Path dir, Map<String, String> environment, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(javaCommand());
        cmd.addAll(List.of(args));
        return run(new ProcessBuilder(cmd), dir, environment);
    }

    /**
     * Runs a process to its end (at most two minutes) and keeps what it printed. It gets this
     * test's environment without any {@code PARLEY_*} variable, plus the ones given.
     */
    public static Result run(ProcessBuilder builder, Path dir, Map<String, String> environment) throws Exception {
        builder.directory(dir.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("PARLEY_"));
        builder.environment().putAll(environment);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = builder.start();
        p.getOutputStream().close();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError(builder.command() + " did not finish within " + TIMEOUT_SECONDS + " s; printed: "
                        + Files.readString(out) + Files.readString(err));
            }
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        try {
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
