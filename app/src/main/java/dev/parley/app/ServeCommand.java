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
