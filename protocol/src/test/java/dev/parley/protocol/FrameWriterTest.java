package dev.parley.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FrameWriter} writes {@code sent} and {@code message} frames to exactly the bytes Jackson's
 * generator wrote before it ({@link FrameCodec#jackson}, still what every other frame goes through):
 * clients and the generator's byte scanners see no difference.
 */
class FrameWriterTest {

    @Test
    void everyUtf16CodeUnitIsEscapedOrEncodedAsJacksonDoes() {
        StringBuilder all = new StringBuilder();
        for (int c = 0; c <= 0xFFFF; c++) {
            all.append((char) c);
        }
        // Pairs in both orders, a pair split by another char, and surrogates at the ends.
        all.append("\uD83D\uDE00 \uDE00\uD83D x\uD83Dy\uDBFF\uDFFF");
        String text = all.toString();
        assertSame(ServerFrame.Message.text(1, 2, 3, 4, 5, text, text));
        assertSame(new ServerFrame.Sent(text, text, 1, 2, 3));
    }

    @Test
    void sentFramesMatch() {
        assertSame(new ServerFrame.Sent(null, "c-1", 42, 7, 1_733_000_000_000L));
        assertSame(new ServerFrame.Sent("r1", "c-1", 42, 0, 0));
        assertSame(new ServerFrame.Sent("r\"1\\", null, FrameCodec.MAX_ID, Long.MAX_VALUE, Long.MIN_VALUE));
        assertSame(new ServerFrame.Sent("", "", -1, -10, -9_223_372_036_854_775_807L));
        Random random = new Random(19);
        for (int i = 0; i < 2_000; i++) {
            assertSame(new ServerFrame.Sent(random.nextBoolean() ? null : text(random), text(random),
                    number(random), number(random), number(random)));
        }
    }

    @Test
    void messageFramesMatch() {
        assertSame(ServerFrame.Message.text(9, 1, 1_733_000_000_000L, 3, 0, null, "hello"));
        Random random = new Random(20);
        for (int i = 0; i < 5_000; i++) {
            assertSame(message(random));
        }
    }

    private static void assertSame(ServerFrame frame) {
        byte[] expected = FrameCodec.jackson(frame);
        byte[] actual = FrameCodec.encodeServer(frame);
        assertThat(new String(actual, StandardCharsets.UTF_8)).isEqualTo(new String(expected, StandardCharsets.UTF_8));
        assertThat(actual).isEqualTo(expected);
    }

    /** Any field of a message frame set, or left out, at random. */
    private static ServerFrame.Message message(Random r) {
        List<Long> userIds = r.nextInt(4) == 0 ? longs(r) : null;
        ServerFrame.Quote quote = r.nextInt(4) == 0
                ? new ServerFrame.Quote(number(r), number(r), text(r), r.nextBoolean() ? null : text(r), r.nextBoolean())
                : null;
        List<ServerFrame.Reaction> reactions = new ArrayList<>();
        if (r.nextInt(4) == 0) {
            for (int i = r.nextInt(3); i >= 0; i--) {
                reactions.add(new ServerFrame.Reaction(text(r), longs(r)));
            }
        }
        List<ClientFrame.Mention> mentions = new ArrayList<>();
        if (r.nextInt(4) == 0) {
            for (int i = r.nextInt(3); i >= 0; i--) {
                mentions.add(new ClientFrame.Mention(number(r), r.nextInt(), r.nextInt()));
            }
        }
        List<ServerFrame.Attachment> attachments = new ArrayList<>();
        if (r.nextInt(4) == 0) {
            for (int i = r.nextInt(3); i >= 0; i--) {
                attachments.add(new ServerFrame.Attachment(number(r), r.nextBoolean() ? null : text(r),
                        r.nextBoolean() ? null : text(r), number(r), r.nextBoolean() ? null : text(r),
                        r.nextBoolean() ? 0 : r.nextInt(), r.nextInt()));
            }
        }
        return new ServerFrame.Message(number(r), number(r), number(r), number(r), r.nextBoolean() ? 0 : number(r),
                r.nextBoolean() ? null : text(r), text(r), r.nextBoolean() ? null : text(r),
                r.nextBoolean() ? null : text(r), userIds, r.nextBoolean() ? null : text(r),
                r.nextBoolean() ? 0 : number(r), quote, r.nextBoolean() ? 0 : number(r), reactions,
                r.nextBoolean() ? 0 : number(r), r.nextBoolean() ? 0 : number(r), number(r), mentions, attachments);
    }

    private static List<Long> longs(Random r) {
        List<Long> out = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            out.add(number(r));
        }
        return out;
    }

    private static long number(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> r.nextLong();
            case 1 -> r.nextInt(10);
            case 2 -> -r.nextInt(1000);
            case 3 -> r.nextLong() & FrameCodec.MAX_ID;
            default -> r.nextInt();
        };
    }

    /** Text of every kind: ASCII, controls, quotes and backslashes, two- and three-byte chars, surrogates. */
    private static String text(Random r) {
        int n = r.nextInt(40);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(switch (r.nextInt(8)) {
                case 0 -> (char) r.nextInt(0x20);
                case 1 -> "\"\\/\u007f".charAt(r.nextInt(4));
                case 2 -> (char) (0x80 + r.nextInt(0x780));
                case 3 -> (char) (0x800 + r.nextInt(0xF800));
                case 4 -> (char) (0xD800 + r.nextInt(0x800));
                default -> (char) (0x20 + r.nextInt(0x60));
            });
        }
        return sb.toString();
    }
}
