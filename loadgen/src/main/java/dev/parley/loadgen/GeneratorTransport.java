package dev.parley.loadgen;

import io.vertx.core.transport.Transport;

import java.util.List;
import java.util.Locale;

/**
 * The generator's socket transport ({@code --transport}): the generator shares the machine with
 * the node, so its own cost per delivery is part of what a run measures. One this host cannot run
 * gives way to the next in io_uring, epoll, NIO order.
 */
enum GeneratorTransport {
    IO_URING("io_uring", Transport.IO_URING),
    EPOLL("epoll", Transport.EPOLL),
    NIO("nio", Transport.NIO);

    final String wire;
    final Transport vertx;

    GeneratorTransport(String wire, Transport vertx) {
        this.wire = wire;
        this.vertx = vertx;
    }

    static GeneratorTransport parse(String s) {
        for (GeneratorTransport t : values()) {
            if (t.wire.equals(s.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("transport must be io_uring, epoll or nio, not '" + s + "'");
    }

    /** This transport, or the first after it that can run here. */
    GeneratorTransport orNextAvailable() {
        List<GeneratorTransport> order = List.of(values());
        for (GeneratorTransport t : order.subList(ordinal(), order.size())) {
            if (t.vertx != null && t.vertx.available()) {
                return t;
            }
        }
        return NIO;
    }
}
