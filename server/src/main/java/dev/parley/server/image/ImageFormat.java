package dev.parley.server.image;

/**
 * The image types the node reads, told apart by their first bytes (never by a name or a declared
 * Content-Type). JDK ImageIO reads PNG, JPEG and GIF; TwelveMonkeys' imageio-webp adds WebP.
 */
public enum ImageFormat {
    PNG("png", "image/png"), JPEG("jpeg", "image/jpeg"), GIF("gif", "image/gif"), WEBP("webp", "image/webp");

    /** How many leading bytes {@link #sniff} looks at. */
    public static final int SIGNATURE_BYTES = 12;

    private final String imageIoName;
    private final String mediaType;

    ImageFormat(String imageIoName, String mediaType) {
        this.imageIoName = imageIoName;
        this.mediaType = mediaType;
    }

    /** The ImageIO format name. */
    public String imageIoName() {
        return imageIoName;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The format of the bytes that start with {@code b} (of which {@code n} are valid), or null. */
    public static ImageFormat sniff(byte[] b, int n) {
        if (n >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G' && b[4] == 0x0d
                && b[5] == 0x0a && b[6] == 0x1a && b[7] == 0x0a) {
            return PNG;
        }
        if (n >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
            return JPEG;
        }
        if (n >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8' && (b[4] == '7' || b[4] == '9')
                && b[5] == 'a') {
            return GIF;
        }
        if (n >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E'
                && b[10] == 'B' && b[11] == 'P') {
            return WEBP;
        }
        return null;
    }

    public static ImageFormat sniff(byte[] b) {
        return sniff(b, b.length);
    }
}
