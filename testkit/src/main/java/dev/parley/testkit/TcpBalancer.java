package dev.parley.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A small layer-4 load balancer for tests, standing in for HAProxy: each accepted connection goes
 * to the next backend that accepts it (round robin, skipping dead ones), and when either side
 * closes, both do. No stickiness, as Parley needs none.
 */
public final class TcpBalancer implements AutoCloseable {
    private final ServerSocket server;
    private final Supplier<List<Integer>> backends;
    private final AtomicInteger next = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public TcpBalancer(Supplier<List<Integer>> backendPorts) throws IOException {
        this.backends = backendPorts;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("balancer-accept").start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> route(client));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("balancer accept failed: " + e);
                }
            }
        }
    }

    private void route(Socket client) {
        List<Integer> ports = backends.get();
        for (int attempt = 0; attempt < ports.size(); attempt++) {
            int port = ports.get(Math.floorMod(next.getAndIncrement(), ports.size()));
            Socket backend = new Socket();
            try {
                backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            } catch (IOException dead) {
                closeQuietly(backend);
                continue;
            }
            open.add(client);
            open.add(backend);
            Thread.ofVirtual().start(() -> pipe(client, backend));
            Thread.ofVirtual().start(() -> pipe(backend, client));
            return;
        }
        closeQuietly(client);
    }

    private void pipe(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // one side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : open) {
            closeQuietly(s);
        }
    }
}
