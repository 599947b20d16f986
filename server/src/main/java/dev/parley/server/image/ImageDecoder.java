package dev.parley.server.image;

import dev.parley.core.ChatException;
import dev.parley.core.ChatException.Refusal;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Decodes uploaded images without letting one take the node's memory: the declared dimensions are
 * read from the header and refused above {@value #MAX_SIDE} pixels a side or {@value #MAX_PIXELS}
 * in all before anything is decoded (a small file can declare a huge image: a decompression bomb),
 * and the picture is decoded subsampled close to the size wanted, so memory stays small whatever
 * the upload. At most {@value #CONCURRENT} images are decoded at once on a node; a request that
 * cannot start within ten seconds is refused with UNAVAILABLE. Avatars and attachments share it.
 */
public final class ImageDecoder {
    public static final int MAX_SIDE = 12_000;
    public static final long MAX_PIXELS = 40_000_000L;
    static final int CONCURRENT = 2;
    private static final Semaphore PERMITS = new Semaphore(CONCURRENT);

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        ImageIO.setUseCache(false);
    }

    private ImageDecoder() {
    }

    /** An image decoded at reduced size, with the dimensions its header declared. */
    public record Decoded(BufferedImage image, int width, int height) {
    }

    /**
     * Decodes the first image of {@code source} (a byte array's stream or a file, as ImageIO
     * takes it), subsampled so that its shorter side (or, with {@code fit}, its longer side) stays
     * at least {@code side} pixels. Refuses with TOO_LARGE (over the limits above),
     * UNSUPPORTED_MEDIA (not readable) or UNAVAILABLE (busy).
     */
    public static Decoded decode(Object source, ImageFormat format, int side, boolean fit) {
        acquire();
        try {
            return read(source, format, side, fit);
        } finally {
            PERMITS.release();
        }
    }

    /**
     * Reads only the header of {@code source} and refuses, as {@link #decode} does, an image over
     * the limits or without pixels; answers its width and height.
     */
    public static int[] requireSize(Object source, ImageFormat format) {
        ImageReader reader = reader(format);
        try (ImageInputStream in = ImageIO.createImageInputStream(source)) {
            if (in == null) {
                throw new ChatException(Refusal.UNSUPPORTED_MEDIA, "the image cannot be read");
            }
            reader.setInput(in, true, true);
            return checked(reader);
        } catch (IOException | RuntimeException e) {
            throw refusal(e);
        } finally {
            reader.dispose();
        }
    }

    private static ImageReader reader(ImageFormat format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName());
        if (!readers.hasNext()) {
            throw new ChatException(Refusal.UNSUPPORTED_MEDIA, "this node cannot read " + format.imageIoName() + " images");
        }
        return readers.next();
    }

    private static int[] checked(ImageReader reader) throws IOException {
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if (w < 1 || h < 1) {
            throw new ChatException(Refusal.UNSUPPORTED_MEDIA, "the image has no pixels");
        }
        if (w > MAX_SIDE || h > MAX_SIDE || (long) w * h > MAX_PIXELS) {
            throw new ChatException(Refusal.TOO_LARGE, "the image is " + w + " x " + h + " pixels; at most "
                    + MAX_SIDE + " a side and " + MAX_PIXELS / 1_000_000 + " million in all");
        }
        return new int[]{w, h};
    }

    private static ChatException refusal(Exception e) {
        return e instanceof ChatException ce ? ce
                : new ChatException(Refusal.UNSUPPORTED_MEDIA, "the image cannot be decoded");
    }

    private static void acquire() {
        try {
            if (!PERMITS.tryAcquire(10, TimeUnit.SECONDS)) {
                throw new ChatException(Refusal.UNAVAILABLE, "busy processing images; try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatException(Refusal.UNAVAILABLE, "interrupted");
        }
    }

    private static Decoded read(Object source, ImageFormat format, int side, boolean fit) {
        ImageReader reader = reader(format);
        try (ImageInputStream in = ImageIO.createImageInputStream(source)) {
            if (in == null) {
                throw new ChatException(Refusal.UNSUPPORTED_MEDIA, "the image cannot be read");
            }
            reader.setInput(in, true, true);
            int[] size = checked(reader);
            int w = size[0];
            int h = size[1];
            ImageReadParam param = reader.getDefaultReadParam();
            int step = Math.max(1, (fit ? Math.max(w, h) : Math.min(w, h)) / (side * 2));
            param.setSourceSubsampling(step, step, 0, 0);
            BufferedImage image = reader.read(0, param);
            if (image == null) {
                throw new ChatException(Refusal.UNSUPPORTED_MEDIA, "the image cannot be decoded");
            }
            return new Decoded(image, w, h);
        } catch (IOException | RuntimeException e) {
            throw refusal(e);
        } finally {
            reader.dispose();
        }
    }
}
