package dev.parley.server;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;

/**
 * How the node's event loops do socket I/O ({@code server.transport}). io_uring submits the writes
 * a loop turn made to many sockets in one system call; epoll makes one call per socket. A node
 * asked for one its kernel or platform cannot run starts on the next that can: io_uring, then
 * epoll, then the JDK's NIO, and logs why.
 */
public enum SocketTransport {
    IO_URING("io_uring"),
    EPOLL("epoll"),
    NIO("nio");

    private static final Logger log = LoggerFactory.getLogger(SocketTransport.class);

    private final String wire;

    SocketTransport(String wire) {
        this.wire = wire;
    }

    /**
     * Vert.x's transport, looked up only when a node starts: Vert.x's {@code Transport} constants
     * load the native libraries when first touched, and this enum is also read with the settings
     * by commands that start no node ({@code parley admin}), which must not load them.
     */
    private Transport vertx() {
        return switch (this) {
            case IO_URING -> Transport.IO_URING;
            case EPOLL -> Transport.EPOLL;
            case NIO -> Transport.NIO;
        };
    }

    public static SocketTransport parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "io_uring", "io-uring", "iouring" -> IO_URING;
            case "epoll" -> EPOLL;
            case "nio" -> NIO;
            default -> throw new IllegalArgumentException("must be 'io_uring', 'epoll' or 'nio', not '" + s + "'");
        };
    }

    public String wire() {
        return wire;
    }

    /** Why this transport cannot run here, or null when it can. */
    Throwable unavailability() {
        Transport vertx = vertx();
        if (vertx == null) {
            return new UnsupportedOperationException(wire + " is not part of this Vert.x");
        }
        return vertx.available() ? null : vertx.unavailabilityCause();
    }

    /** This transport, or the first after it in io_uring, epoll, NIO order that can run here. */
    public SocketTransport orNextAvailable() {
        List<SocketTransport> order = List.of(values());
        for (SocketTransport t : order.subList(ordinal(), order.size())) {
            Throwable cause = t.unavailability();
            if (cause == null) {
                return t;
            }
            log.info("transport {} unavailable here ({}), trying the next", t.wire, cause.toString());
        }
        return NIO;
    }

    /** A Vert.x instance on this transport; call {@link #orNextAvailable()} first. */
    public Vertx start(VertxOptions options) {
        return Vertx.builder().with(options).withTransport(vertx()).build();
    }
}
