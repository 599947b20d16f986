package dev.parley.server.attachment;

import dev.parley.server.image.ImageFormat;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * Works out what an uploaded file is from its first bytes, never from its name or a declared
 * Content-Type. Programs (ELF, Windows PE, Mach-O, Java classes, scripts starting with {@code #!})
 * are {@value #EXECUTABLE}, so an allow-list refuses them unless it names that type; text is
 * {@code text/plain} when the head is valid UTF-8 without NUL bytes; anything unrecognised is
 * {@value #UNKNOWN}. The signatures are the published magic numbers of each format.
 */
final class FileTypes {
    static final String EXECUTABLE = "application/x-executable";
    static final String UNKNOWN = "application/octet-stream";
    /** How many leading bytes {@link #sniff} needs. */
    static final int HEAD_BYTES = 4096;

    private FileTypes() {
    }

    /** The media type of a file whose first {@code n} bytes are {@code b}. */
    static String sniff(byte[] b, int n) {
        ImageFormat image = ImageFormat.sniff(b, n);
        if (image != null) {
            return image.mediaType();
        }
        if (starts(b, n, 0x7f, 'E', 'L', 'F') || starts(b, n, 'M', 'Z') || starts(b, n, 0xca, 0xfe, 0xba, 0xbe)
                || starts(b, n, 0xfe, 0xed, 0xfa, 0xce) || starts(b, n, 0xfe, 0xed, 0xfa, 0xcf)
                || starts(b, n, 0xce, 0xfa, 0xed, 0xfe) || starts(b, n, 0xcf, 0xfa, 0xed, 0xfe)
                || starts(b, n, '#', '!')) {
            return EXECUTABLE;
        }
        if (starts(b, n, '%', 'P', 'D', 'F', '-')) {
            return "application/pdf";
        }
        if (starts(b, n, 'P', 'K', 3, 4) || starts(b, n, 'P', 'K', 5, 6)) {
            return "application/zip";
        }
        if (starts(b, n, 0x1f, 0x8b)) {
            return "application/gzip";
        }
        if (starts(b, n, '7', 'z', 0xbc, 0xaf, 0x27, 0x1c)) {
            return "application/x-7z-compressed";
        }
        if (starts(b, n, 'I', 'D', '3') || (n >= 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xe0) == 0xe0
                && (b[1] & 0x06) != 0)) {
            return "audio/mpeg";
        }
        if (starts(b, n, 'O', 'g', 'g', 'S')) {
            return "audio/ogg";
        }
        if (starts(b, n, 'f', 'L', 'a', 'C')) {
            return "audio/flac";
        }
        if (n >= 12 && starts(b, n, 'R', 'I', 'F', 'F') && b[8] == 'W' && b[9] == 'A' && b[10] == 'V' && b[11] == 'E') {
            return "audio/wav";
        }
        if (n >= 12 && b[4] == 'f' && b[5] == 't' && b[6] == 'y' && b[7] == 'p') {
            return "video/mp4";
        }
        if (starts(b, n, 0x1a, 0x45, 0xdf, 0xa3)) {
            return "video/webm";
        }
        if (text(b, n)) {
            return "text/plain";
        }
        return UNKNOWN;
    }

    private static boolean starts(byte[] b, int n, int... signature) {
        if (n < signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((b[i] & 0xff) != signature[i]) {
                return false;
            }
        }
        return true;
    }

    /** Valid UTF-8 (a sequence cut at the end of the head aside) with no NUL and few control bytes. */
    private static boolean text(byte[] b, int n) {
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            if (c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != 0x0c)) {
                return false;
            }
        }
        int end = n;
        // Drop an incomplete multi-byte sequence at the cut.
        for (int back = 1; back <= 3 && end - back >= 0; back++) {
            int c = b[end - back] & 0xff;
            if ((c & 0xc0) == 0xc0) {
                int need = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
                if (need > back) {
                    end -= back;
                }
                break;
            }
            if ((c & 0x80) == 0) {
                break;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, 0, end));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
