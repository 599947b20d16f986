package dev.parley.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FrameCodec#decodeClient(char[], int, int)}, what a node decodes a frame with straight from
 * its socket buffer, gives what {@link FrameCodec#decodeClient(byte[])} gives for the UTF-8 of the
 * same text: the same frame, or a refusal with the same code, message and context.
 */
class DecodeFromCharsTest {
    private static final List<String> FRAMES = List.of(
            "{\"type\":\"send\",\"clientId\":\"c1\",\"conversationId\":7,\"body\":\"hi \\u00e9 \\ud83d\\ude00 é😀\"}",
            "{\"type\":\"send\",\"rid\":\"r\",\"clientId\":\"c1\",\"conversationId\":7,\"body\":\"x\",\"replyTo\":3,"
                    + "\"mentions\":[{\"userId\":2,\"offset\":0,\"length\":1}],\"unknown\":{\"a\":[1,[2]]}}",
            "{\"type\":\"send\",\"clientId\":\"c1\",\"conversationId\":7,\"attachments\":[4,5]}",
            "{\"type\":\"auth\",\"token\":\"t\",\"positions\":{\"1\":2,\"3\":0}}",
            "{\"type\":\"react\",\"clientId\":\"c\",\"conversationId\":1,\"targetSeq\":2,\"emoji\":\"👍\",\"remove\":true}",
            "{\"type\":\"edit\",\"clientId\":\"c\",\"conversationId\":1,\"targetSeq\":2,\"body\":\"b\"}",
            "{\"type\":\"delete\",\"clientId\":\"c\",\"conversationId\":1,\"targetSeq\":2}",
            "{\"type\":\"delivered\",\"conversationId\":1,\"seq\":2}",
            "{\"type\":\"read\",\"rid\":\"x\",\"conversationId\":1,\"seq\":0}",
            "{\"type\":\"typing\",\"conversationId\":1,\"typing\":false}",
            "{\"type\":\"watch\",\"userIds\":[1,2,3]}",
            "{\"type\":\"ping\",\"rid\":\"p\"}",
            " { \"type\" : \"ping\" } ",
            "{\"type\":\"ping\"} trailing",
            "{\"type\":\"ping\"",
            "[1,2]",
            "",
            "{}",
            "{\"type\":7}",
            "{\"type\":\"nope\"}",
            "{\"type\":\"send\",\"clientId\":\"has space\",\"conversationId\":7,\"body\":\"x\"}",
            "{\"type\":\"send\",\"clientId\":\"c\",\"conversationId\":9007199254740992,\"body\":\"x\"}",
            "{\"type\":\"send\",\"clientId\":\"c\",\"conversationId\":123456789012345678901234567890123,\"body\":\"x\"}",
            "{\"type\":\"send\",\"clientId\":\"c\",\"conversationId\":1.5,\"body\":\"x\"}",
            "{\"type\":\"send\",\"clientId\":\"c\",\"conversationId\":01,\"body\":\"x\"}",
            "{\"type\":\"send\",\"clientId\":\"c\",\"conversationId\":1,\"body\":\"a\tb\"}",
            "{\"type\":\"send\",\"clientId\":\"c\",\"conversationId\":1,\"body\":\"\\x\"}",
            "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{\"i\":1}}}}}}}},\"type\":\"ping\"}",
            "{'type':'ping'}",
            "{\"type\":\"ping\",}",
            "{\"type\":\"ping\"}\u0000",
            "{\"type\":\"ping\",\"rid\":\"" + "r".repeat(65) + "\"}",
            "{\"type\":\"send\",\"clientId\":\"c\",\"conversationId\":1,\"body\":\"" + "b".repeat((1 << 20) + 1) + "\"}");

    @Test
    void everyListedFrameDecodesAlike() {
        for (String text : FRAMES) {
            assertAlike(text);
        }
    }

    @Test
    void framesWithCharactersChangedAtRandomDecodeAlike() {
        Random random = new Random(19);
        String alphabet = "{}[]\":,0123456789 -.etrufalsn\\\u00e9\u20ac😀";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder(FRAMES.get(random.nextInt(FRAMES.size() - 1)));
            for (int k = random.nextInt(4); k >= 0 && !sb.isEmpty(); k--) {
                int at = random.nextInt(sb.length());
                int change = random.nextInt(3);
                if (change == 0) {
                    sb.deleteCharAt(at);
                } else {
                    int c = alphabet.codePointAt(alphabet.offsetByCodePoints(0,
                            random.nextInt(alphabet.codePointCount(0, alphabet.length()))));
                    if (change == 1) {
                        sb.insert(at, Character.toChars(c));
                    } else if (!Character.isSurrogate(sb.charAt(at))) {
                        sb.replace(at, at + 1, new String(Character.toChars(c)));
                    }
                }
            }
            String text = sb.toString();
            if (new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(text)) {
                assertAlike(text); // a change that split a surrogate pair left text with no UTF-8 form
            }
        }
    }

    /**
     * Send frames of every shape near the plain one (fields in any order, a rid or none, values of
     * other types, escapes, spaces, numbers at and past the limits, extra and repeated fields),
     * changed at random: where {@link PlainSendFrames} reads one, it reads what Jackson does, and
     * the rest it leaves alone.
     */
    @Test
    void sendFramesNearThePlainShapeDecodeAlike() {
        Random random = new Random(21);
        String[] clientIds = {"c-1", "", "x".repeat(64), "x".repeat(65), "has space", "\u0041", "é", "a\"b", "~!#"};
        String[] bodies = {"hello", "", "t=123;xxxxxxxx", "é 😀 東京", "tab\there", "quote \" in", "a/b\u0000",
                "\ud83d\ude00", "x".repeat(2000)};
        String[] numbers = {"7", "1", "0", "-1", "01", "7.0", "7e1", "9007199254740991", "9007199254740992",
                "12345678901234567", "\"7\"", "null", "true", "123456789012345678901234567890123"};
        String[] rids = {"r", "", "r".repeat(64), "r".repeat(65), "7"};
        int plain = 0;
        for (int n = 0; n < 30_000; n++) {
            List<String> fields = new ArrayList<>();
            fields.add(random.nextInt(20) == 0 ? "\"type\":\"sent\"" : random.nextInt(30) == 0 ? "\"type\":7"
                    : "\"type\":\"send\"");
            if (random.nextInt(10) > 0) {
                fields.add("\"clientId\":\"" + pick(random, clientIds) + "\"");
            }
            if (random.nextInt(10) > 0) {
                fields.add("\"conversationId\":" + (random.nextBoolean() ? String.valueOf(1 + random.nextInt(1_000_000))
                        : pick(random, numbers)));
            }
            if (random.nextInt(10) > 0) {
                fields.add(random.nextInt(20) == 0 ? "\"body\":null" : "\"body\":\"" + pick(random, bodies) + "\"");
            }
            if (random.nextInt(3) == 0) {
                fields.add(random.nextInt(10) == 0 ? "\"rid\":5" : "\"rid\":\"" + pick(random, rids) + "\"");
            }
            if (random.nextInt(10) == 0) {
                fields.add(random.nextBoolean() ? "\"replyTo\":3" : "\"mentions\":[]");
            }
            if (random.nextInt(15) == 0) {
                fields.add(fields.get(random.nextInt(fields.size())));
            }
            java.util.Collections.shuffle(fields, random);
            String sep = random.nextInt(20) == 0 ? ", " : ",";
            StringBuilder sb = new StringBuilder(random.nextInt(30) == 0 ? " {" : "{").append(String.join(sep, fields))
                    .append(random.nextInt(30) == 0 ? "} " : "}");
            if (random.nextInt(5) == 0) {
                int at = random.nextInt(sb.length());
                if (random.nextBoolean()) {
                    sb.deleteCharAt(at);
                } else {
                    sb.insert(at, "{}[]\":, 0\\".charAt(random.nextInt(10)));
                }
            }
            String text = sb.toString();
            if (!new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(text)) {
                continue;
            }
            char[] chars = text.toCharArray();
            if (PlainSendFrames.read(chars, 0, chars.length) != null) {
                plain++;
            }
            assertAlike(text);
        }
        assertThat(plain).as("frames read as plain sends").isGreaterThan(1_500);
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static void assertAlike(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        char[] chars = ("xy" + text + "z").toCharArray();
        Object fromBytes = outcome(() -> FrameCodec.decodeClient(utf8));
        Object fromChars = outcome(() -> FrameCodec.decodeClient(chars, 2, text.length()));
        assertThat(fromChars).as("decoding %s", printable(text)).isEqualTo(fromBytes);
    }

    private static String printable(String text) {
        StringBuilder sb = new StringBuilder();
        text.chars().limit(200).forEach(c -> sb.append(c < 0x20 || c > 0x7e ? String.format("<%04x>", c) : String.valueOf((char) c)));
        return sb.toString();
    }

    /** The frame, or what a refusal says, as something {@code equals} compares. */
    private static Object outcome(java.util.function.Supplier<ClientFrame> decode) {
        try {
            return decode.get();
        } catch (FrameException e) {
            List<Object> refusal = new ArrayList<>();
            refusal.add(e.code());
            refusal.add(e.getMessage());
            refusal.add(e.requestType());
            refusal.add(e.rid());
            refusal.add(e.clientId());
            refusal.add(e.conversationId());
            return refusal;
        }
    }
}
