package dev.parley.server;

import dev.parley.store.GroupCommitWriter;

import java.util.List;

/**
 * Whether the node should be given clients ({@code GET /health/ready}), and if not, why: it is
 * starting or stopping, its own storage fails every write (SQLite on a full disk, say), or in a
 * cluster its link to Redis is down (it could serve new clients only what it holds alone). The
 * WebSocket endpoint refuses upgrades while the node is not ready; connected clients stay.
 *
 * <p>With PostgreSQL a failing database is reported in {@code problems} but does not make the
 * node unready: every node shares the databases, so a balancer taking nodes out would route no
 * one around the failure, only stop what still works (other shards, reads, live delivery).
 *
 * @param reason   why not ready; null when ready
 * @param problems writers whose writes fail because of their storage, each with since when and why
 */
public record Readiness(boolean ready, String reason, List<String> problems) {

    /** @param clusterLink null while the node reaches the rest of its cluster (always on a single node), else what is wrong */
    static Readiness of(boolean serving, boolean localStorage, List<GroupCommitWriter.Fault> faults, String clusterLink) {
        List<String> problems = faults.stream().map(GroupCommitWriter.Fault::toString).toList();
        if (!serving) {
            return new Readiness(false, "starting or stopping", problems);
        }
        if (clusterLink != null) {
            return new Readiness(false, "cluster link to redis down: " + clusterLink, problems);
        }
        if (localStorage && !problems.isEmpty()) {
            return new Readiness(false, "storage failing: " + problems.getFirst(), problems);
        }
        return new Readiness(true, null, problems);
    }

    /**
     * This readiness with {@code problem} (when not null) added to its problems, not changing
     * whether the node is ready: a store every node shares, as a cluster's attachment store is,
     * fails for all of them alike, so taking nodes out of a balancer would help no one.
     */
    Readiness alsoFailing(String problem) {
        if (problem == null) {
            return this;
        }
        List<String> more = new java.util.ArrayList<>(problems);
        more.add(problem);
        return new Readiness(ready, reason, List.copyOf(more));
    }
}
