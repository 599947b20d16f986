package dev.parley.core.conversation;

import java.util.Locale;

/** Direct conversations have exactly two members for life; groups have a title and roles. */
public enum ConversationKind {
    DIRECT, GROUP;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ConversationKind fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
