package dev.parley.microbench.hotlog;

import java.nio.charset.StandardCharsets;

/**
 * The client ids of the last {@code capacity} appends, in primitive arrays (no object per entry,
 * so nothing for the collector to copy or promote): a ring of (fingerprint, seq, time, body hash)
 * and an open-addressing table from fingerprint to ring slot, the oldest forgotten first. The
 * fingerprint is a 64-bit hash of (conversation, sender, client id); a match is a retry only if
 * the original record, read back from the log at its position, has the same sender and client id
 * (checking that is the caller's: a fingerprint hit happens for retries, which are rare).
 * Prototype for measuring.
 */
final class RecentClientIds {
    private static final int EMPTY = -1;

    private final long[] fingerprints;
    private final long[] seqs;
    private final long[] times;
    private final int[] bodyHashes;
    private final int[] table;
    private final int mask;
    private int next;
    private boolean wrapped;

    RecentClientIds(int capacity) {
        fingerprints = new long[capacity];
        seqs = new long[capacity];
        times = new long[capacity];
        bodyHashes = new int[capacity];
        int size = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
        table = new int[size];
        java.util.Arrays.fill(table, EMPTY);
        mask = size - 1;
    }

    static long fingerprint(long conversation, long sender, String clientId) {
        long h = mix(conversation * 0x9E3779B97F4A7C15L ^ sender);
        byte[] b = clientId.getBytes(StandardCharsets.US_ASCII);
        for (byte x : b) {
            h = (h ^ x) * 0x100000001B3L;
        }
        return mix(h);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The ring slot remembered under {@code fingerprint}, or -1. */
    int find(long fingerprint) {
        for (int i = (int) fingerprint & mask; ; i = (i + 1) & mask) {
            int slot = table[i];
            if (slot == EMPTY) {
                return -1;
            }
            if (fingerprints[slot] == fingerprint) {
                return slot;
            }
        }
    }

    long seq(int slot) {
        return seqs[slot];
    }

    long time(int slot) {
        return times[slot];
    }

    int bodyHash(int slot) {
        return bodyHashes[slot];
    }

    void remember(long fingerprint, long seq, long time, int bodyHash) {
        int slot = next;
        if (wrapped) {
            remove(fingerprints[slot], slot);
        }
        fingerprints[slot] = fingerprint;
        seqs[slot] = seq;
        times[slot] = time;
        bodyHashes[slot] = bodyHash;
        int i = (int) fingerprint & mask;
        while (table[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        table[i] = slot;
        next = slot + 1;
        if (next == fingerprints.length) {
            next = 0;
            wrapped = true;
        }
    }

    /** Linear probing's deletion: shifts later entries of the run back so lookups still find them. */
    private void remove(long fingerprint, int slot) {
        int i = (int) fingerprint & mask;
        while (table[i] != slot) {
            i = (i + 1) & mask;
        }
        table[i] = EMPTY;
        for (int j = (i + 1) & mask; table[j] != EMPTY; j = (j + 1) & mask) {
            int s = table[j];
            int home = (int) fingerprints[s] & mask;
            // Move s back to i if its home is not in (i, j] cyclically.
            boolean between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!between) {
                table[i] = s;
                table[j] = EMPTY;
                i = j;
            }
        }
    }
}
