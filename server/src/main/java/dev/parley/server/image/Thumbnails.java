package dev.parley.server.image;

import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * The small preview of an image attachment, and its dimensions as a viewer shows it, so a client
 * draws a placeholder of the right shape before the download. Decoding goes through
 * {@link ImageDecoder}: a decompression bomb is refused, never decoded.
 */
public final class Thumbnails {
    /** The longer side of a thumbnail, in pixels. */
    public static final int SIDE = 96;
    private static final float QUALITY = 0.7f;

    private Thumbnails() {
    }

    /** Dimensions as displayed (EXIF orientation applied) and the thumbnail's JPEG bytes. */
    public record Made(int width, int height, byte[] jpeg) {
    }

    /** The thumbnail of the image in {@code file}, whose EXIF orientation is {@code orientation} (0: none). */
    public static Made make(Path file, ImageFormat format, int orientation) {
        ImageDecoder.Decoded d = ImageDecoder.decode(file.toFile(), format, SIDE, true);
        BufferedImage src = d.image();
        double scale = Math.min(1.0, (double) SIDE / Math.max(src.getWidth(), src.getHeight()));
        int w = Math.max(1, (int) Math.round(src.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(src.getHeight() * scale));
        BufferedImage small = JpegEncoder.draw(src, 0, 0, src.getWidth(), src.getHeight(), w, h);
        boolean sideways = orientation >= 5 && orientation <= 8;
        BufferedImage upright = rotate(small, orientation);
        return new Made(sideways ? d.height() : d.width(), sideways ? d.width() : d.height(),
                JpegEncoder.encode(upright, QUALITY));
    }

    /** Turns the picture the way its EXIF orientation says (mirrored orientations as their rotation). */
    private static BufferedImage rotate(BufferedImage img, int orientation) {
        int quarter = switch (orientation) {
            case 3, 4 -> 2;
            case 5, 6 -> 1;
            case 7, 8 -> 3;
            default -> 0;
        };
        if (quarter == 0) {
            return img;
        }
        int w = img.getWidth();
        int h = img.getHeight();
        AffineTransform t = new AffineTransform();
        switch (quarter) {
            case 1 -> {
                t.translate(h, 0);
                t.quadrantRotate(1);
            }
            case 2 -> {
                t.translate(w, h);
                t.quadrantRotate(2);
            }
            default -> {
                t.translate(0, w);
                t.quadrantRotate(3);
            }
        }
        BufferedImage out = new BufferedImage(quarter == 2 ? w : h, quarter == 2 ? h : w, BufferedImage.TYPE_INT_RGB);
        new AffineTransformOp(t, AffineTransformOp.TYPE_BILINEAR).filter(img, out);
        return out;
    }
}
