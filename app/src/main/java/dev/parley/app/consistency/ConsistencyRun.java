package dev.parley.app.consistency;

import dev.parley.loadgen.ServeProcess;
import dev.parley.checker.ConsistencyChecker;
import dev.parley.checker.ConsistencyReport;
import dev.parley.checker.DeviceLog;
import dev.parley.checker.HistoryEntry;
import dev.parley.sdk.ChatMessage;
import dev.parley.sdk.Conversation;
import dev.parley.sdk.HistoryPage;
import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.ParleyException;
import dev.parley.sdk.ParleyListener;
import dev.parley.sdk.PositionStore;
import dev.parley.sdk.Session;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A randomized, seeded run of the guarantees under faults: users with several devices each chat
 * in one-on-one and group conversations (one device of each user holds no socket: it pulls with
 * long polls or reads server-sent events, and sends over REST) while devices drop their
 * connections, restart (losing their unconfirmed sends, which they then retry under the same
 * client id), react to, edit and delete messages (each an entry of the history, retried the same
 * way), and the node is
 * killed with SIGKILL and restarted on its data. Every device records what it sent, what was
 * confirmed and what it received; at the end, once every device has caught up, the
 * {@link ConsistencyChecker} compares that with the store, down to the current state of every
 * message (text, edited, deleted, reactions) each device ends with.
 *
 * <p>The choices (who sends where, who drops, when the node dies) come from the seed; the
 * interleaving with the network does not, so a failure is replayed by running the same seed
 * until it shows again.
 */
public final class ConsistencyRun {
    /** The node's JVM: small and quick to start, since a run restarts it many times. */
    public static final java.util.List<String> NODE_JVM = java.util.List.of("-Xmx512m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");
    /** How long a (re)start may take before the run fails. */
    public static final java.time.Duration NODE_START = java.time.Duration.ofSeconds(60);
    /** Stored texts search is asked about after a run ({@link SearchCheck}). */
    private static final int SEARCHES = 200;


    /**
     * What to run.
     *
     * @param hotLog the node writes plain messages to the hot log too ({@code storage.hotLog})
     */
    public record Settings(long seed, Duration duration, String durability, int users, int devicesPerUser, int groups,
                           int sendsPerSecond, int nodeKills, Path workDir, boolean hotLog) {
        public Settings(long seed, Duration duration, String durability, int users, int devicesPerUser, int groups,
                        int sendsPerSecond, int nodeKills, Path workDir) {
            this(seed, duration, durability, users, devicesPerUser, groups, sendsPerSecond, nodeKills, workDir, false);
        }
    }

    /** The checker's report and what the run did to get there. */
    public record Result(long seed, ConsistencyReport report, int nodeStarts, int connectionDrops, int deviceRestarts,
                         Duration elapsed, int actions) {
    }

    private final Settings s;
    private final PrintStream out;
    private final Random rnd;
    private final List<DeviceSim> devices = new ArrayList<>();
    /** One device per user without a socket: it pulls (or reads events) and sends over REST. */
    private final List<PullDevice> pullers = new ArrayList<>();
    private final Map<Long, List<Long>> membersOf = new LinkedHashMap<>();
    private int drops;
    private int actions;
    private int restarts;
    private int kills;
    /** A user who is in every group and one direct conversation, and deletes their account mid-run. */
    private Session leaver;
    private boolean leaverDeleted;

    public ConsistencyRun(Settings settings, PrintStream out) {
        this.s = settings;
        this.out = out;
        this.rnd = new Random(settings.seed());
    }

    /** A run against one node in its own process on an embedded database. */
    public Result run() throws Exception {
        Files.createDirectories(s.workDir());
        List<String> args = new ArrayList<>(List.of("--durability", s.durability(), "--fast-password-hashing",
                "--no-account-limits", "--sends-per-second", "100000", "--send-burst", "100000"));
        if (s.hotLog()) {
            Path config = Files.writeString(s.workDir().resolve("hot-log.yaml"), "storage:\n  hotLog: true\n");
            args.addAll(List.of("--config", config.toString()));
        }
        ServeProcess node = new ServeProcess(ConsistencyRun.NODE_JVM, System.getProperty("java.class.path"),
                s.workDir().resolve("data"), ServeProcess.freePort(), args, s.workDir().resolve("node.log"));
        return run(Fleet.singleNode(node));
    }

    /** A run against any fleet of nodes (a cluster behind a balancer, for instance). */
    public Result run(Fleet fleet) throws Exception {
        long started = System.nanoTime();
        out.printf("consistency run: seed=%d durability=%s hot_log=%s users=%d devices/user=%d groups=%d rate=%d/s"
                        + " duration=%s node kills=%d%n", s.seed(), s.durability(), s.hotLog(), s.users(),
                s.devicesPerUser(), s.groups(),
                s.sendsPerSecond(), s.duration(), s.nodeKills());
        Files.createDirectories(s.workDir());
        try (Fleet node = fleet) {
            node.start();
            setUp(node);
            drive(node);
            settle();
            List<DeviceLog> logs = new ArrayList<>(devices.stream().map(d -> d.log).toList());
            pullers.forEach(p -> logs.add(p.log));
            Map<Long, List<HistoryEntry>> stored = storedHistories();
            ConsistencyReport report = withSearch(new ConsistencyChecker().check(logs, stored, visibility()), logs,
                    stored);
            for (DeviceSim d : devices) {
                d.client.close();
            }
            pullers.forEach(PullDevice::close);
            Result r = new Result(s.seed(), report, node.starts(), drops, restarts,
                    Duration.ofNanos(System.nanoTime() - started), actions);
            out.print(report.summary());
            out.printf("  nodes started %d times, killed with SIGKILL %d times, connection drops %d, device restarts %d,"
                    + " %.1f s; replay with --seed %d%n", r.nodeStarts(), kills, drops, restarts,
                    r.elapsed().toMillis() / 1000.0, s.seed());
            return r;
        }
    }

    // ---- setting up ----------------------------------------------------------------------

    private void setUp(Fleet node) throws Exception {
        List<Session> users = new ArrayList<>();
        for (int u = 0; u < s.users(); u++) {
            String name = "u" + u + "-" + Long.toHexString(s.seed() & 0xffffff);
            ParleyClient.register(node.uri(), name, "password-" + u);
            users.add(ParleyClient.login(node.uri(), name, "password-" + u, "setup"));
        }
        try (ParleyClient first = ParleyClient.builder(node.uri(), users.getFirst()).build()) {
            // Direct conversations between every pair; groups of random members.
            for (int a = 0; a < users.size(); a++) {
                try (ParleyClient ca = ParleyClient.builder(node.uri(), users.get(a)).build()) {
                    for (int b = a + 1; b < users.size(); b++) {
                        Conversation c = ca.openDirect(users.get(b).username());
                        membersOf.put(c.conversationId(), List.of(users.get(a).userId(), users.get(b).userId()));
                    }
                }
            }
            for (int g = 0; g < s.groups(); g++) {
                List<String> names = new ArrayList<>();
                List<Long> ids = new ArrayList<>(List.of(users.getFirst().userId()));
                for (int u = 1; u < users.size(); u++) {
                    if (rnd.nextInt(3) > 0) {
                        names.add(users.get(u).username());
                        ids.add(users.get(u).userId());
                    }
                }
                Conversation c = first.createGroup("group " + g, names);
                membersOf.put(c.conversationId(), ids);
            }
        }
        addLeaver(node, users);
        for (Session user : users) {
            for (int d = 0; d < s.devicesPerUser(); d++) {
                Session device = ParleyClient.login(node.uri(), user.username(), "password-" + users.indexOf(user),
                        "device-" + d);
                DeviceSim sim = new DeviceSim(node, device, user.username() + "/d" + d);
                devices.add(sim);
                sim.start();
            }
        }
        for (DeviceSim d : devices) {
            d.client.connect().get(60, TimeUnit.SECONDS);
        }
        for (Session user : users) {
            Session device = ParleyClient.login(node.uri(), user.username(), "password-" + users.indexOf(user), "pull");
            // Every other user's reads server-sent events instead of polling.
            boolean streams = users.indexOf(user) % 2 == 1;
            PullDevice p = new PullDevice(node, device.token(), user.username() + (streams ? "/events" : "/pull"),
                    user.userId(), streams);
            pullers.add(p);
            p.start();
        }
    }

    private List<Long> conversationsOf(long userId) {
        return membersOf.entrySet().stream().filter(e -> e.getValue().contains(userId)).map(Map.Entry::getKey).toList();
    }

    /** A send from a pulling device, into one of its conversations or (rarely) one it is not in. */
    private void pullerAction(PullDevice p, double roll, long n) {
        List<Long> mine = conversationsOf(p.log.userId());
        if (roll < 0.05) {
            p.restart();
            restarts++;
        } else if (roll < 0.06) {
            p.send(1 + rnd.nextInt(1000), p.log.name() + "-x" + n, "intruder " + n);
        } else {
            p.send(mine.get(rnd.nextInt(mine.size())), p.log.name() + "-" + n,
                    "m" + n + " from " + p.log.name() + " " + Long.toHexString(rnd.nextLong()));
        }
    }

    /**
     * The account deleted in the middle of the run: it owns a group of everyone, has a direct
     * conversation with the first user and writes a few messages; its deletion appends
     * {@code member_left} entries (passing the group's ownership on) that every device must hold,
     * and sends into its direct conversation are refused from then on.
     */
    private void addLeaver(Fleet node, List<Session> users) throws Exception {
        String name = "leaver-" + Long.toHexString(s.seed() & 0xffffff);
        ParleyClient.register(node.uri(), name, "password-leaver");
        leaver = ParleyClient.login(node.uri(), name, "password-leaver", "leaver");
        try (ParleyClient c = ParleyClient.builder(node.uri(), leaver).resume(false).build()) {
            c.connect().get(60, TimeUnit.SECONDS);
            Conversation direct = c.openDirect(users.getFirst().username());
            membersOf.put(direct.conversationId(), List.of(leaver.userId(), users.getFirst().userId()));
            Conversation group = c.createGroup("leaver's group", users.stream().map(Session::username).toList());
            List<Long> everyone = new ArrayList<>(List.of(leaver.userId()));
            users.forEach(u -> everyone.add(u.userId()));
            membersOf.put(group.conversationId(), everyone);
            for (int i = 0; i < 3; i++) {
                c.send(direct.conversationId(), "leaver says " + i).get(60, TimeUnit.SECONDS);
                c.send(group.conversationId(), "leaver tells all " + i).get(60, TimeUnit.SECONDS);
            }
        }
    }

    private void deleteLeaver(Fleet node) {
        try (ParleyClient c = ParleyClient.builder(node.uri(), leaver).build()) {
            c.deleteAccount("password-leaver");
            leaverDeleted = true;
            out.printf("  deleted the account %s%n", leaver.username());
        } catch (RuntimeException e) {
            // A node killed at that moment: try again at the next action.
            out.printf("  deleting %s failed (%s); trying again%n", leaver.username(), e.getMessage());
        }
    }

    // ---- the run -------------------------------------------------------------------------

    private void drive(Fleet node) throws Exception {
        long end = System.nanoTime() + s.duration().toNanos();
        long[] killAt = new long[s.nodeKills()];
        for (int k = 0; k < killAt.length; k++) {
            killAt[k] = System.nanoTime() + s.duration().toNanos() * (k + 1) / (killAt.length + 1);
        }
        int nextKill = 0;
        long counter = 0;
        // Two fifths of the way in, away from the node kills (which come at halves, thirds, quarters).
        long deleteAt = System.nanoTime() + s.duration().toNanos() * 2 / 5;
        // Every kill asked for happens, even when restarts on a loaded machine took the run past
        // its end: a run that quietly skipped one would check less than it says.
        while (System.nanoTime() < end || nextKill < killAt.length) {
            if (!leaverDeleted && System.nanoTime() >= deleteAt) {
                deleteLeaver(node);
            }
            if (nextKill < killAt.length && System.nanoTime() >= killAt[nextKill]) {
                String killed = node.killOne(rnd);
                kills++;
                out.printf("  killed %s (SIGKILL) after %d sends%n", killed, counter);
                // Devices keep sending for a moment: into the void, or to the surviving nodes.
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while (System.nanoTime() < until) {
                    pick().send(++counter);
                    sleepBetweenActions();
                }
                node.restartKilled();
                nextKill++;
            }
            double roll = rnd.nextDouble();
            if (!pullers.isEmpty() && rnd.nextInt(devices.size() + pullers.size()) < pullers.size()) {
                pullerAction(pullers.get(rnd.nextInt(pullers.size())), roll, ++counter);
                sleepBetweenActions();
                continue;
            }
            DeviceSim d = pick();
            if (roll < 0.03) {
                d.client.dropConnection();
                drops++;
            } else if (roll < 0.05) {
                d.restart();
                restarts++;
            } else if (roll < 0.06) {
                // Refused for sure: a conversation this device's user is not in (or that does not
                // exist). Such a message must never show up anywhere.
                d.sendToStranger(++counter);
            } else if (roll < 0.14) {
                d.react(++counter);
                actions++;
            } else if (roll < 0.18) {
                d.edit(++counter);
                actions++;
            } else if (roll < 0.20) {
                d.deleteOne(++counter);
                actions++;
            } else {
                d.send(++counter);
            }
            sleepBetweenActions();
        }
        for (int attempt = 0; !leaverDeleted; attempt++) {
            if (attempt == 20) {
                throw new IllegalStateException("could not delete " + leaver.username());
            }
            deleteLeaver(node);
            sleepBetweenActions();
        }
        out.printf("  sent %d messages and actions (%d reactions, edits and deletions); settling%n", counter, actions);
    }

    private DeviceSim pick() {
        return devices.get(rnd.nextInt(devices.size()));
    }

    private void sleepBetweenActions() throws InterruptedException {
        double meanNanos = 1e9 / s.sendsPerSecond();
        long nanos = (long) (-Math.log(1 - rnd.nextDouble()) * meanNanos);
        if (nanos > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(nanos, 200_000_000));
        }
    }

    /** Waits until every send has an answer and every device holds every conversation to its end. */
    private void settle() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (DeviceSim d : devices) {
            d.awaitAnswers(deadline);
        }
        Map<Long, Long> last = new HashMap<>();
        for (long conversation : membersOf.keySet()) {
            last.put(conversation, memberOf(conversation).client.conversation(conversation).lastSeq());
        }
        for (DeviceSim d : devices) {
            d.awaitCaughtUp(last, deadline);
        }
        for (PullDevice p : pullers) {
            p.awaitAnswers(deadline);
        }
        // Sends from pulling devices may have added entries since: read the ends again.
        for (long conversation : membersOf.keySet()) {
            last.put(conversation, memberOf(conversation).client.conversation(conversation).lastSeq());
        }
        for (DeviceSim d : devices) {
            d.awaitCaughtUp(last, deadline);
        }
        for (PullDevice p : pullers) {
            p.awaitCaughtUp(last, conversationsOf(p.log.userId()), deadline);
        }
    }

    private Map<Long, List<HistoryEntry>> storedHistories() {
        Map<Long, List<HistoryEntry>> out = new LinkedHashMap<>();
        for (long conversation : membersOf.keySet()) {
            DeviceSim reader = memberOf(conversation);
            List<HistoryEntry> entries = new ArrayList<>();
            long after = 0;
            while (true) {
                HistoryPage page = reader.client.history(conversation, null, after, 200);
                for (ChatMessage m : page.messages()) {
                    entries.add(entry(m));
                    after = m.seq();
                }
                if (!page.hasMore()) {
                    break;
                }
            }
            out.put(conversation, entries);
        }
        return out;
    }

    /** The report with what {@link SearchCheck} found added to its violations. */
    private ConsistencyReport withSearch(ConsistencyReport r, List<DeviceLog> logs,
                                         Map<Long, List<HistoryEntry>> stored) {
        Map<String, String> sent = new HashMap<>();
        for (DeviceLog log : logs) {
            for (DeviceLog.Attempt a : log.attempts()) {
                sent.put(a.clientId(), a.body());
            }
        }
        SearchCheck check = new SearchCheck(stored, sent, c -> memberOf(c).client, c -> devices.stream()
                .filter(d -> !membersOf.get(c).contains(d.userId)).map(d -> d.client).findFirst().orElse(null));
        List<String> found = check.run(rnd, SEARCHES);
        out.printf("search: %d stored texts asked for, %d violations%n", check.checked(), found.size());
        if (found.isEmpty()) {
            return r;
        }
        List<String> violations = new ArrayList<>(r.violations());
        violations.addAll(found);
        return new ConsistencyReport(r.devices(), r.conversations(), r.storedEntries(), r.attempts(), r.confirmed(),
                r.refused(), r.unresolved(), r.entriesReceived(), r.lostConfirmed(), r.duplicateClientIds(),
                r.divergentDevices(), r.orderViolations(), r.refusedButStored(), r.confirmationMismatches(),
                r.staleMessageStates(), violations);
    }

    private DeviceSim memberOf(long conversation) {
        return devices.stream().filter(d -> membersOf.get(conversation).contains(d.userId)).findFirst().orElseThrow();
    }

    private Map<Long, Map<Long, Long>> visibility() {
        Map<Long, Map<Long, Long>> out = new HashMap<>();
        membersOf.forEach((conversation, members) -> {
            Map<Long, Long> upTo = new HashMap<>();
            for (long user : members) {
                upTo.put(user, Long.MAX_VALUE);
            }
            out.put(conversation, upTo);
        });
        return out;
    }

    static HistoryEntry entry(ChatMessage m) {
        HistoryEntry.MessageState state = null;
        if (m.isText()) {
            Map<String, java.util.Set<Long>> reactions = new HashMap<>();
            m.reactions().forEach((emoji, users) -> reactions.put(emoji, java.util.Set.copyOf(users)));
            state = new HistoryEntry.MessageState(m.body(), m.editedAt() != 0, m.isDeleted(), reactions);
        }
        return new HistoryEntry(m.conversationId(), m.seq(), m.senderId(), m.clientId(), m.kind().name(), m.body(),
                m.targetSeq(), state);
    }

    /** The emoji devices react with: few, so that adding one already there and the per-user limit both happen. */
    private static final List<String> EMOJI = List.of("\uD83D\uDC4D", "\u2764\uFE0F", "\uD83D\uDE02", "\uD83D\uDE2E");

    /** A send or an action, kept until answered so it can be submitted again under its client id. */
    private record Attempted(String kind, long conversation, String body, long target, boolean remove) {
    }

    // ---- one device ----------------------------------------------------------------------

    /**
     * A device: its log, which is also what it holds (the position it resumes from after an app
     * restart is the last entry it logged, as an app persisting messages and positions together
     * would do), and its current client.
     */
    private final class DeviceSim {
        final Fleet node;
        final Session session;
        final long userId;
        final DeviceLog log;
        final Map<Long, Long> held = new ConcurrentHashMap<>();
        final Map<String, Attempted> unanswered = new ConcurrentHashMap<>();
        /** The text messages this device holds, as {conversation, seq, sender}, for actions to name. */
        final List<long[]> texts = new ArrayList<>();
        final List<CompletableFuture<?>> outstanding = new ArrayList<>();
        final List<Long> conversations;
        volatile ParleyClient client;
        /** Callbacks of a client that was closed (an app that restarted) are ignored. */
        int epoch;

        DeviceSim(Fleet node, Session session, String name) {
            this.node = node;
            this.session = session;
            this.userId = session.userId();
            this.log = new DeviceLog(name, session.userId());
            this.conversations = membersOf.entrySet().stream().filter(e -> e.getValue().contains(userId))
                    .map(Map.Entry::getKey).toList();
        }

        synchronized void start() {
            int mine = ++epoch;
            client = ParleyClient.builder(node.uri(), session)
                    .positions(new PositionStore() {
                        @Override
                        public Map<Long, Long> load() {
                            return Map.copyOf(held);
                        }

                        @Override
                        public void save(long conversationId, long seq) {
                            // What the device holds is what it logged; see onMessage.
                        }
                    })
                    .backoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                    .listener(new ParleyListener() {
                        @Override
                        public void onMessage(ChatMessage m) {
                            synchronized (DeviceSim.this) {
                                if (epoch == mine) {
                                    log.received(entry(m));
                                    held.put(m.conversationId(), m.seq());
                                    if (m.isText()) {
                                        texts.add(new long[]{m.conversationId(), m.seq(), m.senderId()});
                                    }
                                }
                            }
                        }

                        @Override
                        public void onResync(long conversationId, long latestSeq) {
                            synchronized (DeviceSim.this) {
                                if (epoch == mine) {
                                    log.resynced(conversationId, latestSeq);
                                    held.put(conversationId, latestSeq);
                                }
                            }
                        }
                    })
                    .build();
        }

        void send(long n) {
            long conversation = conversations.get(rnd.nextInt(conversations.size()));
            String body = "m" + n + " from " + log.name() + " " + Long.toHexString(rnd.nextLong());
            attempt(log.name() + "-" + n, new Attempted("send", conversation, body, 0, false));
        }

        void sendToStranger(long n) {
            List<Long> foreign = membersOf.keySet().stream().filter(c -> !conversations.contains(c)).toList();
            long conversation = foreign.isEmpty() || rnd.nextBoolean() ? 1 + rnd.nextInt(1000)
                    : foreign.get(rnd.nextInt(foreign.size()));
            attempt(log.name() + "-x" + n, new Attempted("send", conversation, "intruder " + n, 0, false));
        }

        /** Adds or takes off an emoji on a message this device holds (which may be deleted by now). */
        void react(long n) {
            long[] target = pickMessage(false);
            if (target != null) {
                attempt(log.name() + "-r" + n, new Attempted("react", target[0], EMOJI.get(rnd.nextInt(EMOJI.size())),
                        target[1], rnd.nextInt(3) == 0));
            }
        }

        /** Edits one of this user's own messages (refused if it was deleted meanwhile). */
        void edit(long n) {
            long[] target = pickMessage(true);
            if (target != null) {
                attempt(log.name() + "-e" + n, new Attempted("edit", target[0], "edited " + n + " by " + log.name(),
                        target[1], false));
            }
        }

        /** Deletes a message: mostly one of this user's own, sometimes another's (refused unless a group's owner). */
        void deleteOne(long n) {
            long[] target = pickMessage(rnd.nextInt(4) != 0);
            if (target != null) {
                attempt(log.name() + "-d" + n, new Attempted("delete", target[0], null, target[1], false));
            }
        }

        /** A text message this device holds, as {conversation, seq}: its own user's when {@code own}. */
        private long[] pickMessage(boolean own) {
            List<long[]> candidates;
            synchronized (this) {
                candidates = texts.stream().filter(t -> !own || t[2] == userId).toList();
            }
            return candidates.isEmpty() ? null : candidates.get(rnd.nextInt(candidates.size()));
        }

        private void attempt(String clientId, Attempted a) {
            log.attempted(a.conversation(), clientId, a.body());
            unanswered.put(clientId, a);
            submit(clientId, a);
        }

        private synchronized void submit(String clientId, Attempted a) {
            CompletableFuture<dev.parley.sdk.SentMessage> sending = switch (a.kind()) {
                case "send" -> client.send(a.conversation(), clientId, a.body());
                case "react" -> client.react(a.conversation(), clientId, a.target(), a.body(), a.remove());
                case "edit" -> client.edit(a.conversation(), clientId, a.target(), a.body());
                default -> client.delete(a.conversation(), clientId, a.target());
            };
            outstanding.add(sending.whenComplete((sent, err) -> {
                if (err == null) {
                    if (sent.seq() == 0) {
                        // An action that was already so: nothing stored, which the checker holds it to.
                        log.refused(clientId, "unchanged");
                    } else {
                        log.confirmed(clientId, sent.seq());
                    }
                    unanswered.remove(clientId);
                    return;
                }
                Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                if (cause instanceof ParleyException pe && pe.isDefinite()) {
                    log.refused(clientId, pe.code().wire());
                    unanswered.remove(clientId);
                }
                // Anything else (the client was closed under it): still unanswered, retried later
                // under the same client id.
            }));
        }

        /** The app restarts: its client goes, unconfirmed sends and all; a new one resumes. */
        void restart() {
            ParleyClient old = client;
            synchronized (this) {
                epoch++;
            }
            old.close();
            start();
            client.connect();
            unanswered.forEach(this::submit);
        }

        void awaitAnswers(long deadline) throws Exception {
            while (!unanswered.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(log.name() + ": " + unanswered.size() + " sends still unanswered");
                }
                List<CompletableFuture<?>> snapshot;
                synchronized (this) {
                    snapshot = List.copyOf(outstanding);
                }
                for (CompletableFuture<?> f : snapshot) {
                    try {
                        f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    } catch (ExecutionException ignored) {
                        // recorded by the callback
                    }
                }
                // Sends failed by a closed client and not yet retried: retry them now.
                unanswered.forEach(this::submit);
            }
        }

        void awaitCaughtUp(Map<Long, Long> last, long deadline) throws InterruptedException {
            CaughtUp.await(log.name(), "holds", held, last, conversations, deadline);
        }
    }
}
