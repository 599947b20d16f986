package dev.parley.server.attachment;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Images made for the tests, with the metadata a phone or an editor puts in them. */
final class TestImages {
    static final String SECRET = "SECRET-48.8584N-2.2945E";

    private TestImages() {
    }

    static byte[] image(int w, int h, String format) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLUE);
        g.fillRect(0, 0, w / 2, h / 3);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static BufferedImage decode(byte[] bytes) {
        try {
            return ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The JPEG with, after its SOI: an EXIF block (orientation and a description holding the
     * secret, as a GPS position would be), an XMP block and a comment holding it too.
     */
    static byte[] jpegWithMetadata(byte[] jpeg, int orientation) {
        byte[] text = (SECRET + "\0").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 24 + 4 + text.length);
        tiff.put(new byte[]{'M', 'M', 0, 42}).putInt(8).putShort((short) 2);
        tiff.putShort((short) 0x010e).putShort((short) 2).putInt(text.length).putInt(8 + 2 + 24 + 4);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0).put(text);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        segment(out, 0xe1, concat("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), tiff.array()));
        segment(out, 0xe1, ("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>" + SECRET + "</x:xmpmeta>")
                .getBytes(StandardCharsets.ISO_8859_1));
        segment(out, 0xfe, SECRET.getBytes(StandardCharsets.ISO_8859_1));
        out.write(jpeg, 2, jpeg.length - 2);
        out.writeBytes(SECRET.getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    private static void segment(ByteArrayOutputStream out, int marker, byte[] payload) {
        out.write(0xff);
        out.write(marker);
        out.write((payload.length + 2) >> 8);
        out.write((payload.length + 2) & 0xff);
        out.writeBytes(payload);
    }

    /** The PNG with a text chunk and an EXIF chunk holding the secret, right after IHDR. */
    static byte[] pngWithMetadata(byte[] png) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, 33);
        chunk(out, "tEXt", ("Comment\0" + SECRET).getBytes(StandardCharsets.ISO_8859_1));
        chunk(out, "eXIf", ("MM\0*" + SECRET).getBytes(StandardCharsets.ISO_8859_1));
        out.write(png, 33, png.length - 33);
        return out.toByteArray();
    }

    /** A PNG that declares {@code w} x {@code h} pixels and holds none (a decompression bomb's header). */
    static byte[] pngDeclaring(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0)
                .put((byte) 0).put((byte) 0).array());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** The GIF with a comment extension holding the secret before its trailer. */
    static byte[] gifWithComment(byte[] gif) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(gif, 0, gif.length - 1);
        byte[] text = SECRET.getBytes(StandardCharsets.ISO_8859_1);
        out.write(0x21);
        out.write(0xfe);
        out.write(text.length);
        out.writeBytes(text);
        out.write(0);
        out.write(0x3b);
        return out.toByteArray();
    }

    static boolean contains(byte[] haystack, String needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
