package dev.parley.server.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FrameChars} decodes exactly the frames whose text is the same either way: well-formed
 * UTF-8 that starts with {@code {} and a byte other than zero, to the chars Java's own decoder
 * gives; anything else it leaves to the byte path.
 */
class FrameCharsTest {
    private final FrameChars decoder = new FrameChars();

    @Test
    void wellFormedTextDecodesAsJavaDecodesIt() {
        Random random = new Random(19);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder("{\"");
            for (int i = random.nextInt(2_000); i > 0; i--) {
                int cp = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(0x80);
                    case 1 -> 0x80 + random.nextInt(0x780);
                    case 2 -> 0x800 + random.nextInt(0xF800);
                    default -> 0x10000 + random.nextInt(0x100000);
                };
                if (!Character.isSurrogate((char) cp) || cp > 0xFFFF) {
                    sb.appendCodePoint(cp);
                }
            }
            String text = sb.toString();
            assertDecodes(text.getBytes(StandardCharsets.UTF_8), text);
        }
    }

    @Test
    void anythingElseTakesTheBytePath() {
        assertRefused(bytes(0xEF, 0xBB, 0xBF, '{', '}')); // a byte-order mark
        assertRefused(bytes('{', 0, '}', 0)); // UTF-16LE, as Jackson would detect it
        assertRefused(bytes(' ', '{', '}'));
        assertRefused(bytes('{'));
        assertRefused(bytes('{', '"', 0xC0, 0x80)); // overlong NUL
        assertRefused(bytes('{', '"', 0xE0, 0x80, 0x80)); // overlong
        assertRefused(bytes('{', '"', 0xED, 0xA0, 0x80)); // an encoded surrogate
        assertRefused(bytes('{', '"', 0xF4, 0x90, 0x80, 0x80)); // past U+10FFFF
        assertRefused(bytes('{', '"', 0xF0, 0x9F, 0x98)); // cut short
        assertRefused(bytes('{', '"', 0x80)); // a continuation byte alone
        assertRefused(bytes('{', '"', 0xFF));
    }

    @Test
    void randomBytesDecodeOnlyWhenWellFormed() {
        Random random = new Random(20);
        for (int n = 0; n < 50_000; n++) {
            byte[] b = new byte[2 + random.nextInt(12)];
            random.nextBytes(b);
            b[0] = '{';
            String java = new String(b, StandardCharsets.UTF_8);
            ByteBuf buf = Unpooled.wrappedBuffer(b);
            boolean decoded = decoder.decode(buf);
            boolean wellFormed = b[1] != 0 && strictlyDecodes(b);
            assertThat(decoded).as("decoded %s", java).isEqualTo(wellFormed);
            if (decoded) {
                assertThat(new String(decoder.chars(), 0, decoder.length())).isEqualTo(java);
            }
            assertThat(buf.readerIndex()).isZero();
        }
    }

    @Test
    void aFrameLongerThanTheKeptArrayDecodes() {
        String text = "{\"" + "é".repeat(FrameChars.KEPT_CHARS) + "\"}";
        assertDecodes(text.getBytes(StandardCharsets.UTF_8), text);
        assertDecodes("{\"a\":1}".getBytes(StandardCharsets.UTF_8), "{\"a\":1}");
    }

    private static boolean strictlyDecodes(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private void assertDecodes(byte[] utf8, String text) {
        ByteBuf buf = Unpooled.buffer(utf8.length + 3).writeBytes(new byte[] {1, 2, 3}).writeBytes(utf8);
        buf.readerIndex(3);
        assertThat(decoder.decode(buf)).isTrue();
        assertThat(new String(decoder.chars(), 0, decoder.length())).isEqualTo(text);
    }

    private void assertRefused(byte[] b) {
        assertThat(decoder.decode(Unpooled.wrappedBuffer(b))).isFalse();
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
