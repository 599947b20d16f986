package dev.parley.loadgen;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * What every workload does around its own part: make the results directory, start (or reach)
 * the node, run, print and write the report, stop the node. The exit code is 0 only when the
 * run's correctness check passed.
 */
abstract class WorkloadCommand implements Callable<Integer> {
    @Mixin
    BenchOptions options = new BenchOptions();

    PrintStream out = System.out;

    abstract String name();

    /** The workload's own parameters, for the results. */
    abstract JsonObject parameters();

    /** Runs against {@code node}, filling {@code report}; returns whether the correctness check passed. */
    abstract boolean run(Node node, Report report) throws Exception;

    @Override
    public Integer call() throws Exception {
        Path dir = options.resultsDir(name());
        out.println("parley bench " + name() + ": results in " + dir.toAbsolutePath());
        Report report = new Report(name(), dir);
        boolean passed;
        jdk.jfr.Recording recording = null;
        if (options.profile) {
            recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
            recording.setDestination(dir.resolve("generator.jfr"));
            recording.start();
        }
        try (Node node = options.startNode(dir)) {
            out.println("node: " + node.describe().encode());
            report.json.put("node", node.describe()).put("options", options.toJson().put("generatorLoops", generatorLoops())).put("parameters", parameters());
            passed = run(node, report);
        } finally {
            if (recording != null) {
                recording.stop();
                recording.close();
            }
        }
        report.finish(passed, out);
        return passed ? 0 : 1;
    }

    /**
     * The generator's event loops, one per {@code --loops}, aimed at {@code node}'s socket; to a
     * node on loopback, from {@link #LOOPBACK_SOURCES} source addresses in turn.
     */
    GeneratorClients startClients(Node node, Stats stats) throws Exception {
        return GeneratorClients.start(GeneratorTransport.parse(options.transport), generatorLoops(), node.host(), node.port(),
                stats, sourceAddresses(node.host()));
    }

    /** The generator's event loops when {@code --loops} is not given. */
    int defaultLoops() {
        return 2;
    }

    int generatorLoops() {
        return options.loops(defaultLoops());
    }

    /** Loopback source addresses the devices connect from, in turn, to a node on loopback. */
    static final int LOOPBACK_SOURCES = 32;

    /**
     * From one source address, each connect to the node searches the kernel's ephemeral ports of
     * that address for one whose connection to the node is not taken; with 18,000 of them open the
     * search took 40% of the generator's CPU during a reconnect storm (perf: {@code
     * __inet_hash_connect}, {@code __inet_check_established}), CPU the node shares. Spread over
     * {@value #LOOPBACK_SOURCES} addresses (127.0.0.2, 127.0.0.3, ...) the search stays short, as
     * it is for clients that come from many addresses. A node named otherwise: the system's choice.
     */
    static List<String> sourceAddresses(String host) {
        if (!host.startsWith("127.")) {
            // A name may resolve to ::1, which an IPv4 source cannot reach.
            return List.of();
        }
        List<String> out = new ArrayList<>(LOOPBACK_SOURCES);
        for (int i = 0; i < LOOPBACK_SOURCES; i++) {
            out.add("127.0.0." + (2 + i));
        }
        return out;
    }

    void log(String fmt, Object... args) {
        out.println(String.format(java.util.Locale.ROOT, fmt, args));
    }
}
