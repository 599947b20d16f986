package dev.parley.loadgen;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process of the connections workload: holds a share of the idle connections, since one
 * process may have only so many open files. It connects and authenticates every token in a file,
 * keeps the connections open (Vert.x answers the node's pings), and reports on standard output
 * in lines the parent reads:
 * <pre>
 *   LIVE n                       every second while connecting
 *   ALL live startEpochMs endEpochMs   once connecting is over
 *   HOLD live closed             every second while holding
 *   DONE live closed             when stopping
 * </pre>
 * It stops when its standard input says {@code stop} or closes, or after {@code maxSeconds}.
 *
 * <p>Arguments: {@code host port tokenFile loops concurrency maxSeconds sourceAddress[,sourceAddress...]}.
 */
public final class ConnectionWorker {
    private ConnectionWorker() {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        List<String> tokens = Files.readAllLines(Path.of(args[2]));
        int loops = Integer.parseInt(args[3]);
        int concurrency = Integer.parseInt(args[4]);
        long maxSeconds = Long.parseLong(args[5]);
        List<String> addresses = args.length > 6 && !args[6].isBlank() ? Arrays.asList(args[6].split(",")) : List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);

        Stats stats = new Stats();
        GeneratorClients clients = GeneratorClients.start(GeneratorTransport.parse(System.getProperty(
                "parley.generator.transport", "epoll")), loops, host, port, stats, addresses);
        List<User> users = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            users.add(new User(i, "", 0, 0, tokens.get(i)));
        }
        List<Device> devices = clients.addDevices(users, 16, false, Session.NO_LISTENER);
        long startMs = System.currentTimeMillis();
        int live = clients.connectAll(devices, concurrency, TimeUnit.SECONDS.toMillis(maxSeconds),
                n -> System.out.println("LIVE " + n));
        System.out.println("ALL " + live + " " + startMs + " " + System.currentTimeMillis());
        System.out.flush();

        Thread stdin = Thread.ofPlatform().daemon(true).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(System.in))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.trim().equals("stop")) {
                        break;
                    }
                }
            } catch (Exception e) {
                // treat as stop
            }
        });
        while (stdin.isAlive() && System.nanoTime() < deadline) {
            stdin.join(1000);
            System.out.println("HOLD " + countLive(clients, devices) + " " + stats.closes.sum());
            System.out.flush();
        }
        int finalLive = countLive(clients, devices);
        long closed = stats.closes.sum();
        clients.close();
        System.out.println("DONE " + finalLive + " " + closed);
        System.out.flush();
        System.exit(0);
    }

    private static int countLive(GeneratorClients clients, List<Device> devices) {
        clients.barrier();
        int n = 0;
        for (Device d : devices) {
            if (d.live()) {
                n++;
            }
        }
        return n;
    }
}
