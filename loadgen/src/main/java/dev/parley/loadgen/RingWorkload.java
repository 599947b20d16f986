package dev.parley.loadgen;

import picocli.CommandLine.Option;

/**
 * The one-to-one workloads (latency, throughput): users on a ring, each messaging its nearest
 * neighbours, one device each. Opens that ring and hands it to the workload's own measuring.
 */
abstract class RingWorkload extends WorkloadCommand {
    @Option(names = "--users", description = "Users, one device each (default: ${DEFAULT-VALUE}).")
    int users = 1000;

    @Option(names = "--neighbours", description = "Neighbours on each side a user messages (default: ${DEFAULT-VALUE}).")
    int neighbours = 4;

    /** Measures over the open ring {@code s}; returns whether the correctness check passed. */
    abstract boolean measure(Node node, Report report, Stats stats, GeneratorClients clients, Session s) throws Exception;

    @Override
    final boolean run(Node node, Report report) throws Exception {
        Stats stats = new Stats();
        try (Rest rest = new Rest(node.http());
             GeneratorClients clients = startClients(node, stats)) {
            Session s = Session.open(this, node, rest, clients, users, neighbours, false);
            if (s == null) {
                return false;
            }
            return measure(node, report, stats, clients, s);
        }
    }
}
