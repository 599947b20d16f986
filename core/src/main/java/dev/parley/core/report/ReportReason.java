package dev.parley.core.report;

import dev.parley.core.ChatException;

import java.util.Locale;

/** Why a user reports someone. */
public enum ReportReason {
    SPAM, HARASSMENT, IMPERSONATION, INAPPROPRIATE, OTHER;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ReportReason fromWire(String s) {
        for (ReportReason r : values()) {
            if (r.wire().equals(s)) {
                return r;
            }
        }
        throw ChatException.invalid("reason must be one of spam, harassment, impersonation, inappropriate, other");
    }
}
