package dev.parley.checker;

import java.util.List;

/**
 * What the {@link ConsistencyChecker} counted and every violation it found. A run is consistent
 * when {@link #violations()} is empty.
 */
public record ConsistencyReport(long devices, long conversations, long storedEntries, long attempts,
                                long confirmed, long refused, long unresolved, long entriesReceived,
                                long lostConfirmed, long duplicateClientIds, long divergentDevices,
                                long orderViolations, long refusedButStored, long confirmationMismatches,
                                long staleMessageStates, List<String> violations) {

    public boolean consistent() {
        return violations.isEmpty();
    }

    /** A one-screen summary with every count; the first violations follow it. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("consistency: devices=%d conversations=%d stored=%d attempts=%d confirmed=%d refused=%d"
                        + " unresolved=%d received=%d%n",
                devices, conversations, storedEntries, attempts, confirmed, refused, unresolved, entriesReceived));
        sb.append(String.format("  lost confirmed=%d, client ids stored twice=%d, devices diverging from the store=%d,"
                        + " order violations (backwards/skip/duplicate)=%d, refused but stored=%d,"
                        + " confirmations not matching the store=%d, messages whose state differs from the"
                        + " store's (text, edit, deletion, reactions)=%d%n",
                lostConfirmed, duplicateClientIds, divergentDevices, orderViolations, refusedButStored,
                confirmationMismatches, staleMessageStates));
        sb.append(consistent() ? "  CONSISTENT" : "  VIOLATIONS: " + violations.size()).append('\n');
        violations.stream().limit(20).forEach(v -> sb.append("  - ").append(v).append('\n'));
        return sb.toString();
    }
}
