package dev.parley.microbench;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.ServerFrame;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The JSON codec on the send path, per frame: decoding a client's {@code send} (what every
 * message costs the node on arrival), encoding the {@code message} frame (once per message,
 * shared by every recipient) and the {@code sent} confirmation (once per message); and decoding
 * the {@code auth} of a resuming device (what each device of a reconnect storm costs), whose
 * positions are keyed by conversation ids that differ from one device to the next.
 *
 * <p>Run:
 * <pre>{@code
 * ./mvnw -pl microbench -am package -DskipTests
 * java -jar microbench/target/microbench.jar FrameCodec
 * }</pre>
 * {@code bodyBytes} is the message body's size; 64 bytes is the usual yardstick.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FrameCodecBenchmark {
    @Param({"64", "1024"})
    int bodyBytes;

    private byte[] sendFrame;
    private ServerFrame.Message message;
    private ServerFrame.Sent sent;
    /** The auth frames of {@value #DEVICES} devices, each with positions in two conversations of its own. */
    private byte[][] authFrames;
    private int nextAuth;
    private static final int DEVICES = 18_000;

    @Setup
    public void setUp() {
        String body = "x".repeat(bodyBytes);
        sendFrame = ("{\"type\":\"send\",\"rid\":\"r1\",\"clientId\":\"9b0c6a4e-1f2d-4c3b-8a7e-5d6f7a8b9c0d\","
                + "\"conversationId\":7312345681004,\"body\":\"" + body + "\"}").getBytes(StandardCharsets.UTF_8);
        message = ServerFrame.Message.text(7312345681004L, 42, 1_795_000_300_000L, 7312345678901L, 7312345679002L,
                "9b0c6a4e-1f2d-4c3b-8a7e-5d6f7a8b9c0d", body);
        sent = new ServerFrame.Sent("r1", "9b0c6a4e-1f2d-4c3b-8a7e-5d6f7a8b9c0d", 7312345681004L, 42, 1_795_000_300_000L);
        authFrames = new byte[DEVICES][];
        for (int i = 0; i < DEVICES; i++) {
            long conversation = 7312345681004L + 2L * i;
            authFrames[i] = ("{\"type\":\"auth\",\"token\":\"pt_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG\","
                    + "\"positions\":{\"" + conversation + "\":" + (40 + i % 7) + ",\"" + (conversation + 1) + "\":"
                    + (41 + i % 5) + "}}").getBytes(StandardCharsets.UTF_8);
        }
    }

    @Benchmark
    public ClientFrame decodeSend() {
        return FrameCodec.decodeClient(sendFrame);
    }

    /** The frame's UTF-8 as chars, as a node's event loop decodes it from the socket buffer ({@code FrameChars}). */
    private final char[] sendChars = new char[4096];

    /**
     * The node's way: the send frame's bytes decoded into a reused char array, then read from
     * it ({@code PlainSendFrames} for a plain send like this one). {@link #decodeSend} is the
     * byte path every other caller takes.
     */
    @Benchmark
    public ClientFrame decodeSendFromChars() {
        byte[] b = sendFrame;
        for (int i = 0; i < b.length; i++) {
            sendChars[i] = (char) b[i]; // the frame is ASCII
        }
        return FrameCodec.decodeClient(sendChars, 0, b.length);
    }

    /** One device after another, as they arrive after a restart: every frame brings new conversation ids. */
    @Benchmark
    public ClientFrame decodeResumingAuth() {
        int i = nextAuth;
        nextAuth = i + 1 == DEVICES ? 0 : i + 1;
        return FrameCodec.decodeClient(authFrames[i]);
    }

    @Benchmark
    public byte[] encodeMessage() {
        return FrameCodec.encodeServer(message);
    }

    @Benchmark
    public byte[] encodeSent() {
        return FrameCodec.encodeServer(sent);
    }
}
