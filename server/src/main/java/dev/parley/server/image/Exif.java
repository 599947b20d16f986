package dev.parley.server.image;

/**
 * The one EXIF field a stripped JPEG keeps: the orientation (tag 0x0112 of the first image file
 * directory), read from an APP1 segment's payload and written back as an APP1 segment of its own.
 */
final class Exif {
    private Exif() {
    }

    /** The orientation (1 to 8) an APP1 payload declares, or 0 when it declares none or is not EXIF. */
    static int orientation(byte[] p) {
        if (p.length < 14 || p[0] != 'E' || p[1] != 'x' || p[2] != 'i' || p[3] != 'f' || p[4] != 0 || p[5] != 0) {
            return 0;
        }
        int tiff = 6;
        boolean big;
        if (p[tiff] == 'M' && p[tiff + 1] == 'M') {
            big = true;
        } else if (p[tiff] == 'I' && p[tiff + 1] == 'I') {
            big = false;
        } else {
            return 0;
        }
        long ifd = u32(p, tiff + 4, big);
        if (ifd < 8 || tiff + ifd + 2 > p.length) {
            return 0;
        }
        int at = (int) (tiff + ifd);
        int entries = u16(p, at, big);
        for (int i = 0; i < entries; i++) {
            int e = at + 2 + i * 12;
            if (e + 12 > p.length) {
                return 0;
            }
            if (u16(p, e, big) == 0x0112 && u16(p, e + 2, big) == 3) {
                int v = u16(p, e + 8, big);
                return v >= 1 && v <= 8 ? v : 0;
            }
        }
        return 0;
    }

    /** A whole APP1 segment (marker included) holding only the orientation. */
    static byte[] orientationSegment(int orientation) {
        return new byte[]{
                (byte) 0xff, (byte) 0xe1, 0, 34,          // APP1, length 34
                'E', 'x', 'i', 'f', 0, 0,                 // EXIF header
                'M', 'M', 0, 42, 0, 0, 0, 8,              // big-endian TIFF, first directory at 8
                0, 1,                                     // one entry
                0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0,  // Orientation, SHORT, 1 value
                0, 0, 0, 0};                              // no next directory
    }

    private static int u16(byte[] p, int at, boolean big) {
        int a = p[at] & 0xff;
        int b = p[at + 1] & 0xff;
        return big ? (a << 8) | b : (b << 8) | a;
    }

    private static long u32(byte[] p, int at, boolean big) {
        if (at + 4 > p.length) {
            return 0;
        }
        long v = 0;
        for (int i = 0; i < 4; i++) {
            int b = p[big ? at + i : at + 3 - i] & 0xff;
            v = (v << 8) | b;
        }
        return v;
    }
}
