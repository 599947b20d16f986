package dev.parley.loadgen;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The users, devices and conversations of a run, created through the REST API. Usernames carry
 * a random run prefix so several runs can share one node.
 */
final class Population {
    final List<User> users;
    final List<Device> devices;
    final List<Conv> conversations;

    private Population(List<User> users, List<Device> devices, List<Conv> conversations) {
        this.users = users;
        this.devices = devices;
        this.conversations = conversations;
    }

    static String runPrefix() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom r = new SecureRandom();
        StringBuilder b = new StringBuilder("b");
        for (int i = 0; i < 6; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /** Registers {@code n} users and logs each in once, {@code concurrency} at a time. */
    static List<User> users(Rest rest, int n, int concurrency, PrintStream out) {
        String prefix = runPrefix();
        long t0 = System.nanoTime();
        List<User> users = rest.parallel(n, concurrency, i -> rest.createUser(i, prefix + "." + i));
        double s = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "created %,d users in %.1f s (%,.0f/s)%n", n, s, n / s);
        return users;
    }

    /**
     * Users on a ring, each in a direct conversation with its {@code neighbours} nearest users on
     * either side (so each user has up to {@code 2 * neighbours} conversations), one device each.
     */
    static Population ring(Rest rest, GeneratorClients clients, int n, int neighbours, int bodySize, boolean resume,
                           Device.Listener listener, int concurrency, PrintStream out) {
        List<User> users = users(rest, n, concurrency, out);
        List<Device> devices = clients.addDevices(users, bodySize, resume, listener);
        Set<Long> pairs = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            for (int d = 1; d <= neighbours; d++) {
                int j = (i + d) % n;
                if (j != i) {
                    pairs.add(((long) Math.min(i, j) << 32) | Math.max(i, j));
                }
            }
        }
        List<Long> list = new ArrayList<>(pairs);
        long t0 = System.nanoTime();
        List<long[]> created = rest.parallel(list.size(), concurrency, k -> {
            long p = list.get(k);
            return rest.direct(users.get((int) (p >>> 32)), users.get((int) p));
        });
        List<Conv> convs = new ArrayList<>(list.size());
        for (int k = 0; k < list.size(); k++) {
            long p = list.get(k);
            Conv c = new Conv(created.get(k)[0], created.get(k)[1]);
            c.join(devices.get((int) (p >>> 32)));
            c.join(devices.get((int) p));
            convs.add(c);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "opened %,d direct conversations in %.1f s%n", convs.size(), s);
        return new Population(users, devices, convs);
    }
}
