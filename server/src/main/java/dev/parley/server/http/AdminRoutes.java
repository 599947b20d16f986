package dev.parley.server.http;

import dev.parley.core.ChatException;
import dev.parley.core.account.Account;
import dev.parley.core.account.AccountService;
import dev.parley.core.account.Device;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.Invite;
import dev.parley.server.Blocking;
import dev.parley.store.SqliteAdministration;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The administration API under {@code /admin/v1}, for {@code parley admin}: users (create,
 * disable, enable, delete), their devices, invites, node statistics, an online backup and a user's
 * data export. Every request needs the admin token as a bearer token; docs/operations.md lists the
 * routes.
 */
public final class AdminRoutes {
    private final AccountService accounts;
    private final SqliteAdministration administration;
    private final Supplier<Map<String, Object>> liveStats;
    private final byte[] token;
    private final Responder respond;
    private final PeopleServices people;
    private dev.parley.server.attachment.AttachmentIntake attachments;

    public AdminRoutes(AccountService accounts, SqliteAdministration administration,
                       Supplier<Map<String, Object>> liveStats, String token, Responder respond) {
        this(accounts, administration, liveStats, token, respond, null);
    }

    /** Backups then also save the attachments' bytes (beside the database copy). */
    AdminRoutes withAttachments(dev.parley.server.attachment.AttachmentIntake intake) {
        this.attachments = intake;
        return this;
    }

    public AdminRoutes(AccountService accounts, SqliteAdministration administration,
                       Supplier<Map<String, Object>> liveStats, String token, Responder respond, PeopleServices people) {
        this.people = people;
        this.accounts = accounts;
        this.administration = administration;
        this.liveStats = liveStats;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.respond = respond;
    }

    void mount(Router r) {
        r.route("/admin/v1/*").handler(this::requireAdmin);
        r.post("/admin/v1/users").handler(ctx -> run(ctx, 201, () -> {
            JsonObject b = Requests.body(ctx);
            return Views.account(accounts.createAccount(Requests.string(b, "username"), Requests.string(b, "password")));
        }));
        r.post("/admin/v1/invites").handler(ctx -> run(ctx, 201, () -> {
            JsonObject b = ctx.body() == null || ctx.body().length() == 0 ? new JsonObject() : Requests.body(ctx);
            Invite.Issued issued = accounts.createInvite((int) Requests.optInteger(b, "uses", 1, 1_000_000, 1),
                    Duration.ofDays(Requests.optInteger(b, "validDays", 1, 366, 7)));
            return new JsonObject().put("code", issued.code()).put("uses", issued.invite().usesLeft())
                    .put("expiresAt", issued.invite().expiresAt().toEpochMilli());
        }));
        r.post("/admin/v1/users/:username/disable").handler(ctx -> run(ctx, 200, () -> disabled(ctx, true)));
        r.post("/admin/v1/users/:username/enable").handler(ctx -> run(ctx, 200, () -> disabled(ctx, false)));
        r.delete("/admin/v1/users/:username").handler(ctx -> run(ctx, 204, () -> {
            if (people != null) {
                people.deletion().delete(user(ctx).id(), null);
            } else {
                accounts.deleteAccount(user(ctx).id());
            }
            return null;
        }));
        if (people != null) {
            r.get("/admin/v1/reports").handler(ctx -> run(ctx, 200, () -> {
                Long limit = Requests.queryLong(ctx, "limit");
                int n = limit == null ? 50 : (int) Math.min(Math.max(limit, 1), 500);
                boolean all = "true".equals(ctx.request().getParam("all"));
                var reports = people.reports().list(!all, n);
                java.util.Set<dev.parley.core.account.UserId> users = new java.util.HashSet<>();
                reports.forEach(rep -> {
                    users.add(rep.reporter());
                    users.add(rep.subject());
                });
                var profiles = people.profiles().byId(users);
                JsonArray arr = new JsonArray();
                reports.forEach(rep -> arr.add(PeopleRoutes.reportView(rep, profiles)));
                return new JsonObject().put("reports", arr);
            }));
            r.post("/admin/v1/reports/:reportId/resolve").handler(ctx -> run(ctx, 204, () -> {
                people.reports().resolve(Requests.pathId(ctx, "reportId"));
                return null;
            }));
        }
        r.get("/admin/v1/users/:username/devices").handler(ctx -> run(ctx, 200, () -> {
            JsonArray arr = new JsonArray();
            for (Device d : accounts.devices(user(ctx).id())) {
                JsonObject device = Views.device(d, false);
                device.remove("current");
                arr.add(device);
            }
            return new JsonObject().put("devices", arr);
        }));
        r.delete("/admin/v1/users/:username/devices/:deviceId").handler(ctx -> run(ctx, 204, () -> {
            accounts.revokeDevice(user(ctx).id(), new DeviceId(Requests.pathId(ctx, "deviceId")));
            return null;
        }));
        r.get("/admin/v1/stats").handler(ctx -> run(ctx, 200, () -> {
            JsonObject stats = new JsonObject(new java.util.LinkedHashMap<>(liveStats.get()));
            if (administration != null) {
                stats.put("stored", new JsonObject(new java.util.LinkedHashMap<>(administration.counts())));
            }
            return stats;
        }));
        r.post("/admin/v1/backup").handler(ctx -> run(ctx, 200, () -> {
            Path path = backupPath(Requests.string(Requests.body(ctx), "path"));
            embeddedOnly();
            long start = System.nanoTime();
            long bytes = administration.backup(path);
            JsonObject answer = new JsonObject().put("path", path.toAbsolutePath().toString()).put("bytes", bytes);
            if (attachments != null && attachments.blobs() instanceof dev.parley.server.attachment.DirectoryBlobStore d) {
                answer.put("attachments", dev.parley.server.attachment.AttachmentBackup.save(path, d.root()));
            }
            return answer.put("millis", (System.nanoTime() - start) / 1_000_000);
        }));
        r.get("/admin/v1/users/:username/export").handler(ctx -> run(ctx, 200, () -> {
            Account a = user(ctx);
            embeddedOnly();
            SqliteAdministration.UserData data = administration.export(a.id());
            JsonArray messages = new JsonArray();
            data.messages().forEach(m -> messages.add(Views.message(m)));
            return new JsonObject()
                    .put("account", Views.account(a).put("createdAt", a.createdAt().toEpochMilli())
                            .put("disabled", a.disabled()))
                    .put("devices", new JsonArray(data.devices().stream().map(JsonObject::new).toList()))
                    .put("conversations", new JsonArray(data.conversations().stream().map(JsonObject::new).toList()))
                    .put("messages", messages);
        }));
    }

    private static Path backupPath(String path) {
        try {
            return Path.of(path);
        } catch (java.nio.file.InvalidPathException e) {
            throw ChatException.invalid("path is not a valid file path: " + e.getReason());
        }
    }

    private void embeddedOnly() {
        if (administration == null) {
            throw ChatException.invalid("backup and export are for the embedded database; with PostgreSQL use pg_dump"
                    + " per shard (docs/operations.md)");
        }
    }

    private JsonObject disabled(RoutingContext ctx, boolean disabled) {
        Account a = user(ctx);
        accounts.setDisabled(a.id(), disabled);
        return new JsonObject().put("userId", a.id().value()).put("username", a.username()).put("disabled", disabled);
    }

    private Account user(RoutingContext ctx) {
        return accounts.accountByUsername(ctx.pathParam("username"));
    }

    private void run(RoutingContext ctx, int status, Callable<JsonObject> work) {
        Blocking.run(ctx.vertx().getOrCreateContext(), work).onComplete(ar -> {
            if (ar.succeeded()) {
                Responder.ok(ctx, status, ar.result());
            } else {
                respond.fail(ctx, ar.cause());
            }
        });
    }

    private void requireAdmin(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        byte[] given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(given, token)) {
            respond.fail(ctx, new ChatException(ChatException.Refusal.UNAUTHENTICATED, "admin token required"));
            return;
        }
        ctx.next();
    }
}
