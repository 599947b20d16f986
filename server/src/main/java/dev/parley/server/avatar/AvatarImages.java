package dev.parley.server.avatar;

import dev.parley.core.ChatException;
import dev.parley.core.ChatException.Refusal;
import dev.parley.server.image.ImageDecoder;
import dev.parley.server.image.ImageFormat;
import dev.parley.server.image.JpegEncoder;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;

/**
 * Turns an uploaded avatar into the small image the node stores and serves: the type is sniffed
 * from the bytes (PNG, JPEG or WebP; the declared Content-Type is ignored), the image is decoded
 * with {@link ImageDecoder}'s guard against decompression bombs, cropped to its centre square,
 * scaled to {@code side} x {@code side} and written as a fresh baseline JPEG. Nothing of the upload
 * is kept: no metadata (EXIF with its location, ICC profiles, comments), no trailing bytes.
 * Transparency is flattened onto white; the EXIF orientation is not applied.
 */
public final class AvatarImages {
    private static final float QUALITY = 0.85f;

    private final int maxBytes;
    private final int side;

    public AvatarImages(int maxBytes, int side) {
        this.maxBytes = maxBytes;
        this.side = side;
    }

    public int maxBytes() {
        return maxBytes;
    }

    /** The re-encoded avatar (JPEG bytes). Refuses with TOO_LARGE, UNSUPPORTED_MEDIA or UNAVAILABLE. */
    public byte[] prepare(byte[] upload) {
        if (upload.length > maxBytes) {
            throw new ChatException(Refusal.TOO_LARGE, "an avatar upload is at most " + maxBytes + " bytes");
        }
        ImageFormat format = ImageFormat.sniff(upload);
        if (format == null || format == ImageFormat.GIF) {
            throw new ChatException(Refusal.UNSUPPORTED_MEDIA, "an avatar must be a PNG, JPEG or WebP image");
        }
        BufferedImage src = ImageDecoder.decode(new ByteArrayInputStream(upload), format, side, false).image();
        int edge = Math.min(src.getWidth(), src.getHeight());
        BufferedImage square = JpegEncoder.draw(src, (src.getWidth() - edge) / 2, (src.getHeight() - edge) / 2, edge,
                edge, side, side);
        return JpegEncoder.encode(square, QUALITY);
    }
}
