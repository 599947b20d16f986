package dev.parley.loadgen;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code parley bench WORKLOAD}: the load generator. Each workload starts its own node (or uses
 * one given with {@code --url}), drives it over the real protocol on real sockets, shows live
 * progress, prints a summary and writes a results directory. docs/benchmarks.md describes them.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure a node: rates, latencies, connections and memory, with a correctness check.",
                "See docs/benchmarks.md."},
        subcommands = {LatencyWorkload.class, ThroughputWorkload.class, ConnectionsWorkload.class, FanoutWorkload.class,
                ReconnectWorkload.class, HistoryWorkload.class, PullWorkload.class, FilesWorkload.class,
                SearchWorkload.class})
public final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Runs the tool on its own (the same as {@code parley bench ...}). */
    public static void main(String[] args) {
        int code = new CommandLine(new BenchCommand()).execute(args);
        System.exit(code);
    }
}
