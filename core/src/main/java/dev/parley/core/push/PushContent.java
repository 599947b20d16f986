package dev.parley.core.push;

import java.util.Locale;

/** What a notification reveals to the push service in between. */
public enum PushContent {
    /** The sender's name and the start of the text. */
    PREVIEW,
    /** Only that there is a new message, and in which conversation; nothing of its content. */
    MINIMAL;

    public static PushContent parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "preview" -> PREVIEW;
            case "minimal" -> MINIMAL;
            default -> throw new IllegalArgumentException("must be 'preview' or 'minimal', not '" + s + "'");
        };
    }
}
