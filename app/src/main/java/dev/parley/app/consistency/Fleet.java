package dev.parley.app.consistency;

import dev.parley.loadgen.ServeProcess;
import java.net.URI;
import java.util.Random;

/** The node or nodes a consistency run talks to, and the way it kills and restarts them. */
public interface Fleet extends AutoCloseable {

    /** Starts every node and waits until each is healthy. */
    void start() throws Exception;

    /** Where clients connect: the node, or the balancer in front of several. */
    URI uri();

    /** Kills one node with SIGKILL; returns which. */
    String killOne(Random random) throws Exception;

    /** Starts the killed node again on its data. */
    void restartKilled() throws Exception;

    /** How many times a node was started in all. */
    int starts();

    @Override
    void close() throws Exception;

    /** One node in its own process, on an embedded database. */
    static Fleet singleNode(ServeProcess node) {
        return new Fleet() {
            @Override
            public void start() throws Exception {
                node.start(ConsistencyRun.NODE_START);
            }

            @Override
            public URI uri() {
                return node.uri();
            }

            @Override
            public String killOne(Random random) throws Exception {
                node.kill();
                return "the node";
            }

            @Override
            public void restartKilled() throws Exception {
                node.start(ConsistencyRun.NODE_START);
            }

            @Override
            public int starts() {
                return node.starts();
            }

            @Override
            public void close() throws Exception {
                node.close();
            }
        };
    }
}
