package dev.parley.app;

import dev.parley.server.LogSetup;
import dev.parley.server.ParleyNode;
import dev.parley.server.ServerConfig;
import dev.parley.server.StartRefused;
import dev.parley.server.config.ConfigLoader;
import dev.parley.store.Durability;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code parley serve}: runs one node until interrupted. Settings come from the defaults, then
 * the YAML file given with {@code --config}, then {@code PARLEY_*} environment variables, then
 * the flags given here.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = ParleyVersion.class,
        resourceBundle = "dev.parley.app.SettingDefaults", description = "Run a Parley node.",
        footer = "Every setting can be given in the --config file or as a PARLEY_<SECTION>_<KEY> environment"
                + " variable; --list-settings prints them all, with their variables and defaults.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--config", description = "YAML configuration file (see config/example-single-node.yaml).")
    Path config;

    @Option(names = "--host", description = "Address to listen on (default ${bundle:server.host}).")
    String host;

    @Option(names = "--port", description = "Port for HTTP and WebSocket (default ${bundle:server.port}).")
    Integer port;

    @Option(names = "--data", description = "Directory for the embedded database (default"
            + " ${bundle:storage.dataDir}).")
    Path data;

    @Option(names = "--durability", description = "fsync (survives power loss) or os (survives a crash of the"
            + " node's process); default ${bundle:storage.durability}.")
    String durability;

    @Option(names = "--sends-per-second", description = "Sends a device may make per second (default"
            + " ${bundle:limits.sendsPerSecond}).")
    Integer sendsPerSecond;

    @Option(names = "--send-burst", description = "Sends a device may make in a burst (default"
            + " ${bundle:limits.sendBurst}).")
    Integer sendBurst;

    @Option(names = "--allow-empty", description = "Start with a new, empty database even though the data directory"
            + " was in use and its database is missing or empty (otherwise refused: restore a backup instead).")
    boolean allowEmpty;

    @Option(names = "--list-settings", description = "Print every setting with its environment variable, default"
            + " and meaning, and exit.")
    boolean listSettings;

    @Option(names = "--fast-password-hashing", hidden = true,
            description = "Cheap password hashing, for load tests only.")
    boolean fastPasswords;

    @Option(names = "--no-account-limits", hidden = true,
            description = "No registration or failed-login limits, for load generators that register thousands of users.")
    boolean noAccountLimits;

    @Option(names = "--class-data-training", hidden = true,
            description = "Start a throwaway node on defaults (no configuration file, no PARLEY_* variables, a"
                    + " temporary data directory, a free port), stop it once it is ready, and exit: ./parley runs"
                    + " this once per build to record the classes a start loads (class-data sharing).")
    boolean classDataTraining;

    /**
     * The command for {@code serve ARGS} parsed without picocli, when every argument is one of the
     * options above in a plain form ({@code --port 8080} or {@code --port=8080}); empty otherwise,
     * and picocli parses them (and words any error). Picocli costs a start ~0.4 s: its classes are
     * class-file version 49, which neither the class-data archive nor the AOT cache keeps, so each
     * one is loaded and verified again, and it reads this class's annotations by reflection.
     * {@code ServeCommandTest} keeps this list and the annotations the same.
     */
    static Optional<ServeCommand> parsedPlainly(String[] args) {
        ServeCommand c = new ServeCommand();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            if (eq < 0 && c.setFlag(a)) {
                continue;
            }
            String name = eq > 0 ? a.substring(0, eq) : a;
            String value = eq > 0 ? a.substring(eq + 1) : (i + 1 < args.length ? args[++i] : null);
            if (value == null || value.isEmpty() || value.startsWith("-") || !c.set(name, value)) {
                return Optional.empty();
            }
        }
        return Optional.of(c);
    }

    private boolean setFlag(String option) {
        switch (option) {
            case "--allow-empty" -> allowEmpty = true;
            case "--list-settings" -> listSettings = true;
            case "--fast-password-hashing" -> fastPasswords = true;
            case "--no-account-limits" -> noAccountLimits = true;
            case "--class-data-training" -> classDataTraining = true;
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean set(String option, String value) {
        try {
            switch (option) {
                case "--config" -> config = Path.of(value);
                case "--host" -> host = value;
                case "--port" -> port = Integer.valueOf(value);
                case "--data" -> data = Path.of(value);
                case "--durability" -> durability = value;
                case "--sends-per-second" -> sendsPerSecond = Integer.valueOf(value);
                case "--send-burst" -> sendBurst = Integer.valueOf(value);
                default -> {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false; // picocli words the error
        }
    }

    @Override
    public Integer call() throws Exception {
        if (classDataTraining) {
            return ClassDataTraining.run();
        }
        if (listSettings) {
            System.out.print(SettingDefaults.listing());
            return 0;
        }
        ServerConfig c;
        try {
            c = applyFlags(ConfigLoader.load(config, System.getenv()));
        } catch (IllegalArgumentException e) {
            System.err.println("parley: invalid configuration: " + e.getMessage());
            return 2;
        }
        LogSetup.apply(c.observability());
        ParleyNode node;
        try {
            node = ParleyNode.start(c, allowEmpty);
        } catch (StartRefused e) {
            System.err.println("parley: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "parley-shutdown"));
        System.out.println("Parley is listening on " + (c.network().tls() ? "https" : "http") + "://" + c.host() + ":"
                + node.port() + "  (data: " + c.dataDir().toAbsolutePath() + ", durability: " + c.durability().wire() + ")");
        stopped.await();
        return 0;
    }

    private ServerConfig applyFlags(ServerConfig c) {
        if (host != null || port != null) {
            c = c.withAddress(host != null ? host : c.host(), port != null ? port : c.port());
        }
        if (data != null) {
            c = c.withDataDir(data);
        }
        if (durability != null) {
            c = c.withDurability(Durability.parse(durability));
        }
        if (sendsPerSecond != null || sendBurst != null) {
            ServerConfig.Limits l = c.limits();
            c = c.withLimits(l.withSendRate(sendsPerSecond != null ? sendsPerSecond : l.sendsPerSecond(),
                    sendBurst != null ? sendBurst : l.sendBurst()));
        }
        if (fastPasswords) {
            c = c.withPasswords(ServerConfig.Passwords.fastForTests());
        }
        if (noAccountLimits) {
            c = c.withAccounts(ServerConfig.Accounts.unlimitedForLoadTests());
        }
        return c;
    }
}
