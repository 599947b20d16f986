package dev.parley.cluster;

/**
 * Redis key and channel names, under a namespace so several clusters (or test runs) can share
 * one Redis.
 */
record Keys(String namespace) {

    /** Set of node numbers holding a connection of the user. */
    String routes(long user) {
        return namespace + ":routes:" + user;
    }

    /** Set of users routed to the node (to clean up after it). */
    String nodeUsers(int node) {
        return namespace + ":node:" + node + ":users";
    }

    /** Set of {@code <device>:<node>}: the user's devices with a connection, and on which node. */
    String devices(long user) {
        return namespace + ":devices:" + user;
    }

    /** Set of {@code <user>:<device>} with a connection on the node (to clean up after it). */
    String nodeDevices(int node) {
        return namespace + ":node:" + node + ":devices";
    }

    /** Set of node numbers through which the user is online. */
    String online(long user) {
        return namespace + ":online:" + user;
    }

    /** Set of users online through the node. */
    String nodeOnline(int node) {
        return namespace + ":node:" + node + ":online";
    }

    /** Exists while the node is alive (expires without heartbeats). */
    String alive(int node) {
        return namespace + ":alive:" + node;
    }

    /** Every node number that has run. */
    String nodes() {
        return namespace + ":nodes";
    }

    /** Set while one node reaps a dead one, so only one does. */
    String reaping(int node) {
        return namespace + ":reaping:" + node;
    }

    /** Events for one node. */
    String nodeChannel(int node) {
        return namespace + ":to:" + node;
    }

    /** Presence, device control and membership notices for every node. */
    String broadcast() {
        return namespace + ":all";
    }
}
