package dev.parley.loadgen;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;

/** Options every workload takes: which node, how to start it, the generator's shape, where results go. */
final class BenchOptions {
    static final String DEFAULT_NODE_JVM = "-Xms1g -Xmx1g -XX:+UseParallelGC";

    @Option(names = "--url", description = "Target a running node at this base URL (http://host:port) instead of"
            + " starting one.")
    URI url;

    @Option(names = "--node-pid", description = "With --url: the node's process id, to report its CPU and memory.")
    long nodePid = -1;

    @Option(names = "--durability", description = "Durability of the node the tool starts: os or fsync"
            + " (default: ${DEFAULT-VALUE}).")
    String durability = "os";

    @Option(names = "--node-jvm", description = "JVM options of the node the tool starts (default: ${DEFAULT-VALUE}).")
    String nodeJvm = DEFAULT_NODE_JVM;

    @Option(names = "--node-classpath", description = "Class path of the node the tool starts (default: this tool's own,"
            + " so the node is the same build).")
    String nodeClasspath;

    @Option(names = "--node-arg", description = "An extra argument for `parley serve` (repeatable).")
    List<String> nodeArgs = List.of();

    @Option(names = "--profile", description = "Record JFR profiles of the node (node.jfr, when the tool starts it) and"
            + " of the generator (generator.jfr) into the results directory; see them with `jfr view hot-methods FILE`.")
    boolean profile;

    @Option(names = "--keep-data", description = "Keep the started node's data directory.")
    boolean keepData;

    @Option(names = "--data", description = "Data directory of the started node, created if missing and kept after the"
            + " run (default: a temporary one, removed unless --keep-data). A workload that fills a node (search) reuses"
            + " what an earlier run left there.")
    Path dataDir;

    @Option(names = "--results", description = "Results directory (default: bench-results/<workload>-<timestamp>).")
    Path results;

    @Option(names = "--loops", description = "Generator event loops (default: 2; fanout: 1).")
    Integer loops;

    /** {@code --loops}, or the workload's own default when it was not given. */
    int loops(int workloadDefault) {
        return loops != null ? loops : workloadDefault;
    }

    @Option(names = "--transport", description = "Generator socket transport: io_uring, epoll or nio; one this host"
            + " cannot run falls back to the next (default: ${DEFAULT-VALUE}). The node started by the tool takes"
            + " PARLEY_SERVER_TRANSPORT from the environment.")
    String transport = "epoll";

    @Option(names = "--body-size", description = "Message body size in bytes (default: ${DEFAULT-VALUE}).")
    int bodySize = 64;

    @Option(names = "--provision-concurrency", description = "REST calls in flight while creating users and"
            + " conversations (default: ${DEFAULT-VALUE}).")
    int provisionConcurrency = 16;

    Path resultsDir(String workload) throws java.io.IOException {
        Path dir = results != null ? results : Path.of("bench-results",
                workload + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        return dir;
    }

    Node startNode(Path resultsDir) throws Exception {
        if (url != null) {
            ExternalNode n = new ExternalNode(url, nodePid);
            n.awaitHealthy(java.time.Duration.ofSeconds(10), null);
            return n;
        }
        List<String> jvm = new java.util.ArrayList<>(nodeJvm.isBlank() ? List.of()
                : Arrays.asList(nodeJvm.trim().split("\\s+")));
        if (nodeClasspath == null) {
            jvm.addAll(NodeClassData.options(jvm));
        }
        if (profile) {
            jvm.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + resultsDir.resolve("node.jfr").toAbsolutePath());
        }
        return SpawnedNode.start(jvm, nodeClasspath != null ? nodeClasspath : System.getProperty("java.class.path"),
                durability, resultsDir.resolve("node.log"), keepData, nodeArgs, dataDir);
    }

    JsonObject toJson() {
        return new JsonObject().put("url", url == null ? null : url.toString()).put("durability", durabilityLabel())
                .put("nodeJvm", url == null ? nodeJvm : null).put("generatorLoops", loops).put("bodySize", bodySize)
                .put("dataDir", dataDir == null ? null : dataDir.toAbsolutePath().toString());
    }

    /** The durability mode, as far as the tool knows it. */
    String durabilityLabel() {
        return url == null ? durability : "as configured on the node";
    }
}
