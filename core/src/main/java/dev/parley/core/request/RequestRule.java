package dev.parley.core.request;

import java.util.Locale;

/** When a new direct conversation arrives as a message request (setting {@code people.messageRequests}). */
public enum RequestRule {
    /** Never: every direct conversation is ordinary from its first message. */
    OFF,
    /** When the two users share no conversation yet: strangers land in the requests folder. */
    CONTACTS_ONLY;

    public static RequestRule parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "off" -> OFF;
            case "contacts-only" -> CONTACTS_ONLY;
            default -> throw new IllegalArgumentException("must be 'contacts-only' or 'off', not '" + s + "'");
        };
    }

    public String wire() {
        return this == OFF ? "off" : "contacts-only";
    }
}
