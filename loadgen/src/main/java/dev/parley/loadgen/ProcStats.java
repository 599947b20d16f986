package dev.parley.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads a process's CPU time, resident memory and open files from {@code /proc} (Linux). Each
 * method returns -1 when the figure cannot be read (another OS, or the process is gone).
 */
final class ProcStats {
    /** Linux reports CPU times in clock ticks of 1/100 s on every mainstream configuration. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private ProcStats() {
    }

    /** User plus system CPU time the process has used, in nanoseconds. */
    static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces; fields are counted after its ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resident set size (VmRSS), in bytes. */
    static long rssBytes(long pid) {
        return statusKiB(pid, "VmRSS:") * 1024;
    }

    /** Peak resident set size (VmHWM), in bytes. */
    static long peakRssBytes(long pid) {
        return statusKiB(pid, "VmHWM:") * 1024;
    }

    static long threads(long pid) {
        return statusKiB(pid, "Threads:");
    }

    private static long statusKiB(long pid, String field) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
            for (String l : lines) {
                if (l.startsWith(field)) {
                    return Long.parseLong(l.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }

    static long openFiles(long pid) {
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return s.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long self() {
        return ProcessHandle.current().pid();
    }

    /** Measures the CPU a process uses between {@link #start} and {@link #stop}. */
    static final class CpuMeter {
        private final long pid;
        private long startCpu;
        private long startWall;
        private long cpu;
        private long wall;

        CpuMeter(long pid) {
            this.pid = pid;
        }

        CpuMeter start() {
            startCpu = cpuNanos(pid);
            startWall = System.nanoTime();
            return this;
        }

        CpuMeter stop() {
            long now = cpuNanos(pid);
            cpu = startCpu < 0 || now < 0 ? -1 : now - startCpu;
            wall = System.nanoTime() - startWall;
            return this;
        }

        /** Average use over the span, in cores (1.0 = one core busy all the time); -1 if unknown. */
        double cores() {
            return cpu < 0 || wall <= 0 ? -1 : (double) cpu / wall;
        }

        /** Cores in use since {@link #start} up to now, without stopping. */
        double coresSoFar() {
            long now = cpuNanos(pid);
            long w = System.nanoTime() - startWall;
            return startCpu < 0 || now < 0 || w <= 0 ? -1 : (double) (now - startCpu) / w;
        }

        long pid() {
            return pid;
        }
    }
}
