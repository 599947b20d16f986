package dev.parley.server.avatar;

import dev.parley.core.ChatException;
import dev.parley.core.ChatException.Refusal;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Turns an uploaded avatar into the small image the node stores and serves: the type is sniffed
 * from the bytes (PNG, JPEG or WebP; the declared Content-Type is ignored), the declared dimensions
 * are read from the header and refused above {@value #MAX_SIDE} pixels a side or
 * {@value #MAX_PIXELS} in all before anything is decoded (a small file can declare a huge image),
 * the picture is decoded subsampled close to the target size (so memory stays small whatever the
 * upload), cropped to its centre square, scaled to {@code side} x {@code side} and written as a
 * fresh baseline JPEG. Nothing of the upload is kept: no metadata (EXIF with its location, ICC
 * profiles, comments), no trailing bytes. Transparency is flattened onto white; the EXIF
 * orientation is not applied.
 *
 * <p>JDK ImageIO decodes PNG and JPEG; TwelveMonkeys' imageio-webp adds a WebP reader to it.
 * At most {@value #CONCURRENT} images are processed at once; a request that cannot start within
 * ten seconds is refused with UNAVAILABLE.
 */
public final class AvatarImages {
    static final int MAX_SIDE = 12_000;
    static final long MAX_PIXELS = 40_000_000L;
    static final int CONCURRENT = 2;
    private static final float QUALITY = 0.85f;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        ImageIO.setUseCache(false);
    }

    private final int maxBytes;
    private final int side;
    private final Semaphore permits = new Semaphore(CONCURRENT);

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
        String format = sniff(upload);
        if (format == null) {
            throw new ChatException(Refusal.UNSUPPORTED_MEDIA, "an avatar must be a PNG, JPEG or WebP image");
        }
        try {
            if (!permits.tryAcquire(10, TimeUnit.SECONDS)) {
                throw new ChatException(Refusal.UNAVAILABLE, "busy processing images; try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatException(Refusal.UNAVAILABLE, "interrupted");
        }
        try {
            return encode(square(decode(upload, format)));
        } finally {
            permits.release();
        }
    }

    /** The ImageIO format name of the bytes' type, from their signature, or null. */
    static String sniff(byte[] b) {
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G' && b[4] == 0x0d
                && b[5] == 0x0a && b[6] == 0x1a && b[7] == 0x0a) {
            return "png";
        }
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
            return "jpeg";
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E'
                && b[10] == 'B' && b[11] == 'P') {
            return "webp";
        }
        return null;
    }

    private BufferedImage decode(byte[] upload, String format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw new ChatException(Refusal.UNSUPPORTED_MEDIA, "this node cannot read " + format + " images");
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(upload))) {
            reader.setInput(in, true, true);
            int w = reader.getWidth(0);
            int h = reader.getHeight(0);
            if (w < 1 || h < 1) {
                throw new ChatException(Refusal.UNSUPPORTED_MEDIA, "the image has no pixels");
            }
            if (w > MAX_SIDE || h > MAX_SIDE || (long) w * h > MAX_PIXELS) {
                throw new ChatException(Refusal.TOO_LARGE, "the image is " + w + " x " + h + " pixels; at most "
                        + MAX_SIDE + " a side and " + MAX_PIXELS / 1_000_000 + " million in all");
            }
            ImageReadParam param = reader.getDefaultReadParam();
            int step = Math.max(1, Math.min(w, h) / (side * 2));
            param.setSourceSubsampling(step, step, 0, 0);
            BufferedImage image = reader.read(0, param);
            if (image == null) {
                throw new ChatException(Refusal.UNSUPPORTED_MEDIA, "the image cannot be decoded");
            }
            return image;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ChatException ce) {
                throw ce;
            }
            throw new ChatException(Refusal.UNSUPPORTED_MEDIA, "the image cannot be decoded");
        } finally {
            reader.dispose();
        }
    }

    private BufferedImage square(BufferedImage src) {
        int edge = Math.min(src.getWidth(), src.getHeight());
        int x = (src.getWidth() - edge) / 2;
        int y = (src.getHeight() - edge) / 2;
        BufferedImage out = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, side, side);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, side, side, x, y, x + edge, y + edge, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static byte[] encode(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 * 1024);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(QUALITY);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new IllegalStateException("encoding an avatar failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
