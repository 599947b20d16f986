package dev.parley.app;

import dev.parley.server.ParleyNode;
import dev.parley.server.PidFile;
import dev.parley.server.ServerConfig;
import dev.parley.server.support.TestNode;
import dev.parley.store.SqliteDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code parley serve} run as an operator runs it, in a process of its own: a data directory held
 * by another node, a port already taken and a damaged database each end the command with one
 * line on standard error and exit status 1, no stack trace; and {@code parley admin check} and
 * {@code restore} around a damaged database.
 */
class ServeRefusalTest {
    private static final long PROCESS_TIMEOUT_SECONDS = 60;

    @TempDir
    Path dir;

    @Test
    void aSecondServeOnADirectoryInUseIsRefusedAndTheFirstNodeKeepsItAndServes() throws Exception {
        Path data = dir.resolve("data");
        try (ParleyNode first = ParleyNode.start(config(data))) {
            Run second = parley("serve", "--data", data.toString(), "--port", "0");

            assertThat(second.exitCode()).isEqualTo(1);
            assertThat(second.errorLines()).containsExactly("parley: the data directory " + data.toAbsolutePath()
                    + " is in use by another Parley node (pid " + ProcessHandle.current().pid() + "); stop that node"
                    + " first, or give this one a directory of its own (--data, storage.dataDir or"
                    + " PARLEY_STORAGE_DATA_DIR)");
            assertThat(PidFile.running(data)).hasValueSatisfying(
                    p -> assertThat(p.pid()).isEqualTo(ProcessHandle.current().pid()));
            assertThat(ready(first.port())).isEqualTo(200);

            // Nor may a restore replace the files under it.
            Run restore = parleyHere("admin", "restore", "--data", data.toString(),
                    data.resolve(SqliteDatabase.FILE_NAME).toString());
            assertThat(restore.exitCode()).isEqualTo(1);
            assertThat(restore.errorLines()).singleElement().asString().contains("is serving " + data.toAbsolutePath());
        }
    }

    @Test
    void aServeOnATakenPortIsOneLineNamingTheSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Run serve = parleyHere("serve", "--data", dir.resolve("data").toString(), "--port", String.valueOf(port));

            assertThat(serve.exitCode()).isEqualTo(1);
            assertThat(serve.errorLines()).containsExactly("parley: port " + port + " on 127.0.0.1 is already in use by"
                    + " another program; stop it, or choose another port with --port, server.port in the configuration"
                    + " file, or PARLEY_SERVER_PORT");
        }
    }

    @Test
    void aDamagedDatabaseIsOneLineAndAdminCheckAndRestoreRepairIt() throws Exception {
        Path data = dir.resolve("data");
        Path backup = dir.resolve("parley-backup.db");
        ParleyNode.start(config(data)).close();
        Files.copy(data.resolve(SqliteDatabase.FILE_NAME), backup);
        Files.writeString(data.resolve(SqliteDatabase.FILE_NAME), "not a database ".repeat(500));

        Run serve = parleyHere("serve", "--data", data.toString(), "--port", "0");
        assertThat(serve.exitCode()).isEqualTo(1);
        assertThat(serve.errorLines()).singleElement().asString()
                .startsWith("parley: " + data.toAbsolutePath().resolve(SqliteDatabase.FILE_NAME) + " is damaged: not a"
                        + " SQLite database")
                .contains("parley admin restore BACKUP --data " + data.toAbsolutePath());

        Run check = parleyHere("admin", "check", "--data", data.toString());
        assertThat(check.exitCode()).isEqualTo(1);
        assertThat(String.join("\n", check.errorLines())).contains("damaged").contains("not a SQLite database");

        Run restore = parleyHere("admin", "restore", "--data", data.toString(), backup.toString());
        assertThat(restore.exitCode()).as("restore: %s", restore).isZero();
        Run checkAgain = parleyHere("admin", "check", "--data", data.toString());
        assertThat(checkAgain.exitCode()).isZero();
        assertThat(checkAgain.output()).contains(": ok (");
        ParleyNode.start(config(data)).close();
    }

    @Test
    void aRestoreMovesTheHotLogAsideWithTheOldDatabase() throws Exception {
        Path data = dir.resolve("data");
        Path backup = dir.resolve("parley-backup.db");
        ServerConfig withLog = config(data).withStorage(config(data).storage().withHotLog(true));
        ParleyNode.start(withLog).close();
        Files.copy(data.resolve(SqliteDatabase.FILE_NAME), backup);
        assertThat(data.resolve(SqliteDatabase.LOG_DIR)).isDirectory();

        Run restore = parleyHere("admin", "restore", "--data", data.toString(), backup.toString());
        assertThat(restore.exitCode()).as("restore: %s", restore).isZero();
        assertThat(data.resolve(SqliteDatabase.LOG_DIR)).doesNotExist();
        try (var files = Files.list(data)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .anyMatch(n -> n.startsWith(SqliteDatabase.LOG_DIR + ".before-restore-"));
        }
        ParleyNode.start(withLog).close();
        assertThat(data.resolve(SqliteDatabase.LOG_DIR)).as("a new log for the restored database").isDirectory();
    }

    private static ServerConfig config(Path data) {
        return TestNode.baseConfig(data);
    }

    private static int ready(int port) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    /** What a {@code parley} command printed on standard error, and its exit status. */
    record Run(int exitCode, List<String> errorLines, String output) {
    }

    /**
     * Runs {@code parley ARGS} in this JVM (as {@code Parley.main} does, without its exit), with
     * standard output and error captured. Not for a second node on a directory this JVM holds:
     * the lock between processes is the point there ({@link #parley}).
     */
    private static synchronized Run parleyHere(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int code = Parley.execute(args);
            List<String> errors = errBytes.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
            return new Run(code, errors, outBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** Runs {@code parley ARGS} in a JVM of its own, as the {@code parley} script does. */
    private Run parley(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Parley.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("parley " + String.join(" ", args) + " still running after "
                    + PROCESS_TIMEOUT_SECONDS + " s; output: " + Files.readString(out));
        }
        List<String> errors = Files.readAllLines(err, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        return new Run(p.exitValue(), errors, Files.readString(out));
    }
}
