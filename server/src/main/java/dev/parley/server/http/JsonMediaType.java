package dev.parley.server.http;

import java.util.Locale;

/** Whether a {@code Content-Type} declares JSON: {@code application/json} or {@code application/*+json}, any parameters. */
final class JsonMediaType {
    private JsonMediaType() {
    }

    static boolean is(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }
}
