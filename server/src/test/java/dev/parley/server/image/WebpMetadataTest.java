package dev.parley.server.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebP metadata removal on the RIFF container (no WebP encoder is at hand to make a real picture,
 * and the image data is copied untouched, so a stand-in payload shows what is kept): the EXIF and
 * XMP chunks go, the VP8X flags stop announcing them, the RIFF size matches what is left.
 */
class WebpMetadataTest {
    @TempDir
    Path dir;

    @Test
    void exifAndXmpChunksGoAndTheContainerStaysConsistent() throws Exception {
        byte[] vp8x = new byte[10];
        vp8x[0] = 0x0c | 0x10;  // EXIF, XMP and alpha flags
        byte[] picture = "odd-length image data".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
        chunk(body, "VP8X", vp8x);
        chunk(body, "VP8L", picture);
        chunk(body, "EXIF", "MM\0*GPS 48.85 2.29".getBytes(StandardCharsets.US_ASCII));
        chunk(body, "XMP ", "<x:xmpmeta>secret</x:xmpmeta>".getBytes(StandardCharsets.US_ASCII));
        Path in = dir.resolve("in.webp");
        Path out = dir.resolve("out.webp");
        Files.write(in, riff(body.toByteArray()));

        assertThat(ImageMetadata.strip(ImageFormat.WEBP, in, out)).isZero();

        byte[] stripped = Files.readAllBytes(out);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
        byte[] flags = vp8x.clone();
        flags[0] = 0x10;
        chunk(expected, "VP8X", flags);
        chunk(expected, "VP8L", picture);
        assertThat(stripped).isEqualTo(riff(expected.toByteArray()));
    }

    private static byte[] riff(byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(8 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(body.length).put(body);
        return b.array();
    }

    private static void chunk(ByteArrayOutputStream out, String fourcc, byte[] data) {
        out.writeBytes(fourcc.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(data.length).array());
        out.writeBytes(data);
        if ((data.length & 1) == 1) {
            out.write(0);
        }
    }
}
