package dev.parley.testkit;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Two PostgreSQL servers of a test's own on free loopback ports: a primary and a standby that
 * streams from it synchronously ({@code synchronous_standby_names} names it, {@code
 * synchronous_commit = on}), so a commit returns only once the standby has flushed it. A test
 * kills the primary (SIGKILL to every process of it) and promotes the standby; the machine's
 * shared PostgreSQL is never touched. The servers run as the {@code postgres} OS user; tests are
 * skipped, saying why, where the PostgreSQL binaries are missing or the test cannot switch user.
 */
public final class PostgresPair implements AutoCloseable {
    private static final Path BIN = newestBinaries();
    private static final String STANDBY_NAME = "standby1";

    private final Path dir;
    private final int primaryPort;
    private final int standbyPort;
    /** Stops the servers if the test JVM exits without closing this (a test run cut short). */
    private final Thread onExit = new Thread(this::stopServers, "postgres-pair-cleanup");
    private boolean primaryKilled;

    private PostgresPair(Path dir, int primaryPort, int standbyPort) {
        this.dir = dir;
        this.primaryPort = primaryPort;
        this.standbyPort = standbyPort;
    }

    /** Creates both servers, starts them and waits until the standby is synchronous. */
    public static PostgresPair start() throws IOException, InterruptedException, SQLException {
        Assumptions.assumeTrue(Files.isExecutable(BIN.resolve("initdb")),
                "PostgreSQL server binaries are missing under /usr/lib/postgresql (apt-get install postgresql)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runuser")) && "root".equals(System.getProperty("user.name")),
                "running private PostgreSQL servers needs root (to run them as the postgres user)");
        // Under /tmp rather than a JUnit temp dir: the postgres user must be able to reach it.
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "parley-pg-pair-");
        run("chown", "postgres:postgres", dir.toString());
        PostgresPair pair = new PostgresPair(dir, freePort(), freePort());
        Runtime.getRuntime().addShutdownHook(pair.onExit);
        try {
            pair.create();
        } catch (IOException | InterruptedException | SQLException | RuntimeException e) {
            pair.close();
            throw e;
        }
        return pair;
    }

    private void create() throws IOException, InterruptedException, SQLException {
        Path primary = dir.resolve("primary");
        asPostgres(BIN.resolve("initdb").toString(), "-D", primary.toString(), "-A", "trust", "-U", "postgres",
                "--no-sync", "-E", "UTF8");
        Files.writeString(primary.resolve("postgresql.auto.conf"), String.join("\n",
                "port = " + primaryPort,
                "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = '" + dir + "'",
                "wal_level = replica",
                "max_wal_senders = 5",
                "synchronous_commit = on",
                "synchronous_standby_names = 'FIRST 1 (" + STANDBY_NAME + ")'",
                "max_connections = 100",
                "shared_buffers = 32MB",
                ""));
        startServer(primary);
        Path standby = dir.resolve("standby");
        asPostgres(BIN.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p", Integer.toString(primaryPort),
                "-U", "postgres", "-D", standby.toString(), "-R", "-X", "stream", "--checkpoint=fast");
        Files.writeString(standby.resolve("postgresql.auto.conf"), String.join("\n",
                "port = " + standbyPort,
                "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = '" + dir + "'",
                "wal_level = replica",
                "max_wal_senders = 5",
                "synchronous_commit = on",
                "max_connections = 100",
                "shared_buffers = 32MB",
                "primary_conninfo = 'host=127.0.0.1 port=" + primaryPort + " user=postgres application_name="
                        + STANDBY_NAME + "'",
                ""));
        run("chown", "postgres:postgres", standby.resolve("postgresql.auto.conf").toString());
        startServer(standby);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!standbyIsSynchronous()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the standby did not become synchronous; see " + dir);
            }
            Thread.sleep(50);
        }
    }

    private boolean standbyIsSynchronous() throws SQLException {
        try (Connection c = DriverManager.getConnection(url(primaryPort, "postgres"), "postgres", null);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT sync_state FROM pg_stat_replication WHERE application_name = '"
                     + STANDBY_NAME + "'")) {
            return rs.next() && "sync".equals(rs.getString(1));
        }
    }

    private void startServer(Path data) throws IOException, InterruptedException {
        asPostgres(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", data + ".log", "-w", "-t", "60",
                "start");
    }

    /** Creates a database on the primary (it reaches the standby by replication). */
    public void createDatabase(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(primaryPort, "postgres"), "postgres", null);
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
    }

    /**
     * The JDBC URL naming both servers for {@code database}: the driver connects to whichever is
     * the primary, so after a failover new connections go to the promoted standby.
     */
    public String failoverUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + primaryPort + ",127.0.0.1:" + standbyPort + "/" + database
                + "?targetServerType=primary";
    }

    public String primaryUrl(String database) {
        return url(primaryPort, database);
    }

    public String standbyUrl(String database) {
        return url(standbyPort, database);
    }

    private static String url(int port, String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** SIGKILL to the primary's postmaster and every process it started, as if its machine died. */
    public void killPrimary() throws IOException, InterruptedException {
        long pid = Long.parseLong(Files.readAllLines(dir.resolve("primary").resolve("postmaster.pid")).getFirst().strip());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IOException("no postmaster " + pid));
        List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
        all.addFirst(postmaster);
        for (ProcessHandle p : all) {
            p.destroyForcibly();
        }
        for (ProcessHandle p : all) {
            p.onExit().join();
        }
        primaryKilled = true;
    }

    /** Promotes the standby to primary and waits until it takes writes. */
    public void promoteStandby() throws IOException, InterruptedException {
        asPostgres(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("standby").toString(), "-w", "-t", "60",
                "promote");
    }

    /** Stops both servers and removes their files. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException exiting) {
            // the hook runs anyway
        }
        stopServers();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + dir + ": " + e);
        }
    }

    private synchronized void stopServers() {
        for (String server : List.of("standby", "primary")) {
            Path data = dir.resolve(server);
            if (Files.exists(data.resolve("postmaster.pid")) && !(server.equals("primary") && primaryKilled)) {
                try {
                    asPostgres(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop");
                } catch (IOException | InterruptedException e) {
                    System.err.println("could not stop the " + server + " server in " + data + ": " + e);
                }
            }
        }
    }

    /** The bin directory of the newest PostgreSQL installed the Debian way, or a path that does not exist. */
    private static Path newestBinaries() {
        Path root = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.list(root)) {
            return versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                    .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
                    .map(v -> v.resolve("bin")).orElse(root.resolve("none"));
        } catch (IOException e) {
            return root.resolve("none");
        }
    }

    private void asPostgres(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/usr/sbin/runuser", "-u", "postgres", "--"));
        cmd.addAll(List.of(command));
        run(cmd.toArray(String[]::new));
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
