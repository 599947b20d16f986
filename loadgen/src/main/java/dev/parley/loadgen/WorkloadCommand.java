package dev.parley.loadgen;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.nio.file.Path;
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
            report.json.put("node", node.describe()).put("options", options.toJson()).put("parameters", parameters());
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

    /** The generator's event loops, one per {@code --loops}, aimed at {@code node}'s socket. */
    GeneratorClients startClients(Node node, Stats stats) throws Exception {
        return GeneratorClients.start(GeneratorTransport.parse(options.transport), options.loops, node.host(),
                node.port(), stats, java.util.List.of());
    }

    void log(String fmt, Object... args) {
        out.println(String.format(java.util.Locale.ROOT, fmt, args));
    }
}
