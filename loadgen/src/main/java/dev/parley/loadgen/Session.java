package dev.parley.loadgen;

import java.util.Locale;

/** The common start of the messaging workloads: users on a ring, conversations, every device connected. */
final class Session {
    final Population population;
    final Traffic traffic;
    final double connectSeconds;

    private Session(Population population, Traffic traffic, double connectSeconds) {
        this.population = population;
        this.traffic = traffic;
        this.connectSeconds = connectSeconds;
    }

    /** Returns null (after noting why in the report) when not every device came online. */
    static Session open(WorkloadCommand cmd, Node node, Rest rest, GeneratorClients clients, int users, int neighbours, boolean resume)
            throws InterruptedException {
        return open(cmd, node, rest, clients, users, neighbours, resume, NO_LISTENER);
    }

    static Session open(WorkloadCommand cmd, Node node, Rest rest, GeneratorClients clients, int users, int neighbours, boolean resume,
                        Device.Listener listener) throws InterruptedException {
        cmd.log("generator transport: %s", clients.transport.wire);
        Population p = Population.ring(rest, clients, users, neighbours, cmd.options.bodySize, resume, listener,
                cmd.options.provisionConcurrency, cmd.out);
        long t0 = System.nanoTime();
        int live = clients.connectAll(p.devices, 256, 120_000, n -> cmd.log("connecting: %,d of %,d live", n, users));
        double secs = (System.nanoTime() - t0) / 1e9;
        cmd.log("connected %,d of %,d devices in %.1f s (%,.0f/s)", live, users, secs, live / secs);
        if (live < users) {
            cmd.log("not every device came online; stopping");
            return null;
        }
        return new Session(p, new Traffic(clients, p.devices), secs);
    }

    static final Device.Listener NO_LISTENER = new Device.Listener() {
        @Override
        public void live(Device d, long nowNanos) {
        }

        @Override
        public void down(Device d, int closeCode) {
        }
    };

    static String perSecond(long n, double secs) {
        return String.format(Locale.ROOT, "%,.0f/s", n / secs);
    }
}
