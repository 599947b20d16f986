package dev.parley.app;

import dev.parley.server.AdminAddress;
import dev.parley.server.AdminToken;
import dev.parley.server.DataDirectory;
import dev.parley.store.OwnerOnly;
import dev.parley.store.SqliteAdministration;
import dev.parley.store.SqliteDatabase;
import dev.parley.store.SqliteIntegrity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code parley admin}: operator commands against a running node's administration API, plus an
 * offline restore. The administration API has a listener of its own (loopback by default), so the
 * node comes from {@code --server} (once {@code --url}, still taken), else from the
 * {@code admin.url} the running node wrote in its data directory ({@code --data}, default
 * ./data). The admin token comes from {@code --token}, {@code PARLEY_ADMIN_TOKEN}, or the same
 * directory.
 */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Administer a Parley node.",
        subcommands = {AdminCommand.Users.class, AdminCommand.Devices.class, AdminCommand.Stats.class,
                AdminCommand.Backup.class, AdminCommand.Restore.class, AdminCommand.Check.class,
                AdminCommand.Export.class, AdminCommand.Invite.class, AdminReports.class})
final class AdminCommand {

    @Option(names = "--server", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "The node's administration API (default: the URL the running node wrote to"
                    + " DATA/admin.url; it is not on the node's public port).")
    String url;

    /** The earlier name of {@code --server}, still taken. */
    @Option(names = "--url", paramLabel = "URL", scope = ScopeType.INHERIT, hidden = true)
    String earlierUrl;

    @Option(names = "--token", scope = ScopeType.INHERIT, description = "The admin token (default: PARLEY_ADMIN_TOKEN,"
            + " else DATA/admin.token).")
    String token;

    @Option(names = "--data", scope = ScopeType.INHERIT, description = "The node's data directory (default ./data).")
    Path data = Path.of("data");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    String token() throws IOException {
        if (token != null) {
            return token;
        }
        String env = System.getenv("PARLEY_ADMIN_TOKEN");
        if (env != null && !env.isBlank()) {
            return env;
        }
        Path file = data.resolve(AdminToken.FILE);
        if (!Files.exists(file)) {
            throw new NoToken("no admin token: give --token, set PARLEY_ADMIN_TOKEN, or point --data at the node's"
                    + " data directory (" + file + " not found)");
        }
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new NoToken("cannot read the admin token in " + file + ": " + e.getMessage());
        }
    }

    /** The node's base address, checked to be an http(s) URL with a host. */
    private URI node() throws NoNode {
        if (earlierUrl != null) {
            url = earlierUrl;
        }
        if (url == null) {
            url = AdminAddress.read(data).orElseThrow(() -> new NoNode("no running node found: give --server, or point"
                    + " --data at the data directory of a running node (" + data.resolve(AdminAddress.FILE)
                    + " not found)"));
        }
        URI u = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        if (u.getHost() == null || !("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))) {
            throw new IllegalArgumentException(url);
        }
        return u;
    }

    /** No node's administration API could be found. */
    static final class NoNode extends IOException {
        NoNode(String message) {
            super(message);
        }
    }

    /** No admin token could be found. */
    static final class NoToken extends IOException {
        NoToken(String message) {
            super(message);
        }
    }

    /**
     * Calls the admin API; prints the body of a success to stdout, an error to stderr. A node that
     * cannot be reached, or a missing token, is one line on stderr and exit code 1.
     */
    /** {@link #call(String, String, String)}, then prints {@code doneLine} when the node did it. */
    int call(String method, String path, String jsonBody, String doneLine) throws InterruptedException {
        int code = call(method, path, jsonBody);
        if (code == 0) {
            System.out.println(doneLine);
        }
        return code;
    }

    int call(String method, String path, String jsonBody) throws InterruptedException {
        HttpResponse<String> r;
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node() + "/admin/v1" + path))
                    .timeout(Duration.ofMinutes(10))
                    .header("Authorization", "Bearer " + token())
                    .header("Content-Type", "application/json")
                    .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(jsonBody));
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (NoToken | NoNode e) {
            System.err.println("parley admin: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("parley admin: cannot reach " + url + " (" + (e.getMessage() != null ? e.getMessage()
                    : e.getClass().getSimpleName()) + "); is the node running? --server picks it");
            return 1;
        } catch (IllegalArgumentException e) {
            System.err.println("parley admin: --server must be a URL like http://127.0.0.1:8081, not " + url);
            return 2;
        }
        if (r.statusCode() >= 400) {
            System.err.println("parley admin: " + r.statusCode() + " " + r.body());
            return 1;
        }
        if (!r.body().isEmpty()) {
            System.out.println(r.body());
        }
        return 0;
    }

    static String encode(String pathPart) {
        return java.net.URLEncoder.encode(pathPart, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Command(name = "users", mixinStandardHelpOptions = true, description = "Create, disable, enable or delete users.",
            subcommands = {Users.Create.class, Users.Disable.class, Users.Enable.class, Users.Delete.class})
    static final class Users {
        @ParentCommand
        AdminCommand admin;

        @Command(name = "create", description = "Create a user; the password is read from the first line of stdin.")
        static final class Create implements Callable<Integer> {
            @ParentCommand
            Users users;
            @Parameters(index = "0", description = "username")
            String username;

            @Override
            public Integer call() throws Exception {
                String password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (password == null) {
                    System.err.println("parley admin: give the password on stdin");
                    return 2;
                }
                return users.admin.call("POST", "/users", new io.vertx.core.json.JsonObject()
                        .put("username", username).put("password", password).encode());
            }
        }

        @Command(name = "disable", description = "Disable a user; their connections close at once.")
        static final class Disable implements Callable<Integer> {
            @ParentCommand
            Users users;
            @Parameters(index = "0", description = "username")
            String username;

            @Override
            public Integer call() throws Exception {
                return users.admin.call("POST", "/users/" + encode(username) + "/disable", null);
            }
        }

        @Command(name = "enable", description = "Enable a disabled user.")
        static final class Enable implements Callable<Integer> {
            @ParentCommand
            Users users;
            @Parameters(index = "0", description = "username")
            String username;

            @Override
            public Integer call() throws Exception {
                return users.admin.call("POST", "/users/" + encode(username) + "/enable", null);
            }
        }

        @Command(name = "delete", description = "Delete a user: leaves their groups, devices revoked, username freed;"
                + " their messages kept or erased as people.deletedAccountMessages says.")
        static final class Delete implements Callable<Integer> {
            @ParentCommand
            Users users;
            @Parameters(index = "0", description = "username")
            String username;

            @Override
            public Integer call() throws Exception {
                return users.admin.call("DELETE", "/users/" + encode(username), null, "deleted " + username);
            }
        }
    }

    @Command(name = "devices", mixinStandardHelpOptions = true, description = "List or revoke a user's devices.",
            subcommands = {Devices.ListDevices.class, Devices.Revoke.class})
    static final class Devices {
        @ParentCommand
        AdminCommand admin;

        @Command(name = "list", description = "A user's devices.")
        static final class ListDevices implements Callable<Integer> {
            @ParentCommand
            Devices devices;
            @Parameters(index = "0", description = "username")
            String username;

            @Override
            public Integer call() throws Exception {
                return devices.admin.call("GET", "/users/" + encode(username) + "/devices", null);
            }
        }

        @Command(name = "revoke", description = "Revoke a device; its connections close at once.")
        static final class Revoke implements Callable<Integer> {
            @ParentCommand
            Devices devices;
            @Parameters(index = "0", description = "username")
            String username;
            @Parameters(index = "1", description = "device id")
            long deviceId;

            @Override
            public Integer call() throws Exception {
                return devices.admin.call("DELETE", "/users/" + encode(username) + "/devices/" + deviceId, null,
                        "revoked " + deviceId);
            }
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Node statistics as JSON.")
    static final class Stats implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Override
        public Integer call() throws Exception {
            return admin.call("GET", "/stats", null);
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Write a consistent copy of the running node's database to FILE (on the node's machine),"
                    + " and the files its messages carry to FILE.attachments.")
    static final class Backup implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;
        @Parameters(index = "0", description = "the backup file to create")
        Path file;

        @Override
        public Integer call() throws Exception {
            return admin.call("POST", "/backup", new io.vertx.core.json.JsonObject()
                    .put("path", file.toAbsolutePath().toString()).encode());
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Replace the database in --data with a backup. The node must be stopped.")
    static final class Restore implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;
        @Parameters(index = "0", description = "the backup file")
        Path backup;

        @Override
        public Integer call() throws Exception {
            Path dir = admin.data.toAbsolutePath();
            long messages;
            try {
                messages = SqliteAdministration.verifyBackup(backup);
            } catch (java.sql.SQLException e) {
                System.err.println("parley admin: " + backup + " is not a usable backup: " + e.getMessage());
                return 1;
            }
            // Held while the files change, so no node can start on them halfway.
            Optional<DataDirectory> held = DataDirectory.lockForMaintenance(dir);
            if (held.isEmpty()) {
                System.err.println("parley admin: a node" + DataDirectory.holder(dir) + " is serving " + dir
                        + "; stop it first");
                return 1;
            }
            try (DataDirectory ignored = held.get()) {
                Path db = dir.resolve(SqliteDatabase.FILE_NAME);
                if (Files.exists(db)) {
                    Path aside = dir.resolve(SqliteDatabase.FILE_NAME + ".before-restore-" + System.currentTimeMillis());
                    Files.move(db, aside);
                    System.out.println("moved the old database to " + aside);
                }
                // The hot log's records belong to the old database (its marks): replayed into the
                // backup they would bring back entries written after it.
                Path hotLog = dir.resolve(SqliteDatabase.LOG_DIR);
                if (Files.exists(hotLog)) {
                    Path aside = dir.resolve(SqliteDatabase.LOG_DIR + ".before-restore-" + System.currentTimeMillis());
                    Files.move(hotLog, aside);
                    System.out.println("moved the old hot log to " + aside);
                }
                Files.deleteIfExists(dir.resolve(SqliteDatabase.FILE_NAME + "-wal"));
                Files.deleteIfExists(dir.resolve(SqliteDatabase.FILE_NAME + "-shm"));
                // The search index is the old database's; the node rebuilds it from the backup's messages.
                SqliteDatabase.discardSearchIndex(dir);
                Path copying = dir.resolve(SqliteDatabase.FILE_NAME + ".restoring");
                Files.deleteIfExists(copying);
                // Into a file created owner-only, not Files.copy's new file with default permissions.
                OwnerOnly.createFile(copying);
                try (var out = Files.newOutputStream(copying, StandardOpenOption.WRITE)) {
                    Files.copy(backup, out);
                }
                Files.move(copying, db, StandardCopyOption.ATOMIC_MOVE);
                System.out.println("restored " + backup + " to " + db + " (" + messages + " messages)");
                // The files the backup's messages carry, saved beside it; to the default directory.
                int files = dev.parley.server.attachment.AttachmentBackup.restore(backup, dir.resolve("attachments"));
                if (files > 0) {
                    System.out.println("restored " + files + " attachment files to " + dir.resolve("attachments"));
                }
            }
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Run SQLite's full integrity check on the database in --data (or on FILE, a backup)."
                    + " Reads only; works with the node running or stopped.")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;
        @Parameters(index = "0", arity = "0..1", description = "a database file (default: DATA/parley.db)")
        Path file;

        @Override
        public Integer call() throws Exception {
            Path target = (file != null ? file : admin.data.resolve(SqliteDatabase.FILE_NAME)).toAbsolutePath();
            long started = System.nanoTime();
            List<String> problems;
            try {
                problems = SqliteIntegrity.fullCheck(target);
            } catch (java.sql.SQLException e) {
                System.err.println("parley admin: cannot check " + target + ": " + e.getMessage());
                return 2;
            }
            long ms = (System.nanoTime() - started) / 1_000_000;
            if (problems.isEmpty()) {
                System.out.println(target + ": ok (" + Files.size(target) + " bytes checked in " + ms + " ms)");
                return 0;
            }
            System.err.println(target + ": damaged, " + problems.size() + " problem(s):");
            problems.forEach(p -> System.err.println("  " + p));
            System.err.println("Restore the last backup with `parley admin restore BACKUP --data "
                    + target.getParent() + "` (the node stopped).");
            return 1;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Export one user's data (account, devices, conversations, messages they sent) as JSON.")
    static final class Export implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;
        @Parameters(index = "0", description = "username")
        String username;

        @Override
        public Integer call() throws Exception {
            return admin.call("GET", "/users/" + encode(username) + "/export", null);
        }
    }

    @Command(name = "invite", mixinStandardHelpOptions = true,
            description = "Create an invite code for registration (accounts.registration: invite); prints the code.")
    static final class Invite implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;
        @Option(names = "--uses", description = "Registrations the code allows (default 1).")
        int uses = 1;
        @Option(names = "--days", description = "Days the code is valid (default 7, at most 366).")
        int days = 7;

        @Override
        public Integer call() throws Exception {
            return admin.call("POST", "/invites", "{\"uses\":" + uses + ",\"validDays\":" + days + "}");
        }
    }
}
