package dev.parley.server.support;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.ServerFrame;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal WebSocket client on a plain TCP socket, for what the JDK client will not do: send
 * binary, fragmented, oversized or malformed frames, and stay silent (never answer pings) to look
 * like a half-open connection. A reader thread collects the node's frames; pings are answered only
 * when {@link #answerPings} is set.
 */
public final class RawWebSocket implements AutoCloseable {
    public static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One frame from the node. */
    public record Frame(boolean fin, int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame, or 1005 when it carries none. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final CompletableFuture<Void> eof = new CompletableFuture<>();
    private volatile boolean answerPings = true;
    private volatile int pingsSeen;
    private Thread reader;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static RawWebSocket connect(String host, int port, String path) {
        return connect(host, port, path, null, 0, true);
    }

    /**
     * Connects from the local address {@code source} (null: any) with a socket receive buffer of
     * {@code receiveBufferBytes} (0: the system's). Unless {@code reading}, nothing is read after
     * the handshake until {@link #startReading()}: the node's frames back up as they would for a
     * peer that never reads.
     */
    public static RawWebSocket connect(String host, int port, String path, InetAddress source, int receiveBufferBytes,
                                       boolean reading) {
        return connect(host, port, path, source, receiveBufferBytes, reading, new byte[0]);
    }

    /**
     * Connects and sends {@code behind} (frames, say) in the same write as the upgrade request,
     * before the node's answer, as a client that does not wait for the 101 would.
     */
    public static RawWebSocket connect(String host, int port, String path, byte[] behind) {
        return connect(host, port, path, null, 0, true, behind);
    }

    private static RawWebSocket connect(String host, int port, String path, InetAddress source, int receiveBufferBytes,
                                        boolean reading, byte[] behind) {
        try {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            if (receiveBufferBytes > 0) {
                s.setReceiveBufferSize(receiveBufferBytes);
            }
            if (source != null) {
                s.bind(new InetSocketAddress(source, 0));
            }
            s.connect(new InetSocketAddress(host, port), 10_000);
            RawWebSocket raw = new RawWebSocket(s);
            raw.handshake(host + ":" + port, path, behind);
            if (reading) {
                raw.startReading();
            }
            return raw;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Upgrades {@code socket}, already connected (and perhaps already used for HTTP requests
     * answered in full), to a WebSocket on {@code path}, and reads from it.
     */
    public static RawWebSocket upgrade(Socket socket, String path) {
        try {
            RawWebSocket raw = new RawWebSocket(socket);
            raw.handshake(socket.getInetAddress().getHostAddress() + ":" + socket.getPort(), path, new byte[0]);
            raw.startReading();
            return raw;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads frames from {@code socket}, whose upgrade the caller did. */
    public static RawWebSocket over(Socket socket) {
        try {
            RawWebSocket raw = new RawWebSocket(socket);
            raw.startReading();
            return raw;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the thread that reads the node's frames (once). */
    public synchronized void startReading() {
        if (reader == null) {
            reader = new Thread(this::readLoop, "raw-ws-reader-" + socket.getPort());
            reader.setDaemon(true);
            reader.start();
        }
    }

    private void handshake(String hostPort, String path, byte[] behind) throws IOException {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String req = "GET " + path + " HTTP/1.1\r\nHost: " + hostPort + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(req.getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(behind);
        out.write(request.toByteArray());
        out.flush();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during handshake: " + head);
            }
            head.write(b);
        }
        String response = head.toString(StandardCharsets.US_ASCII);
        if (!response.startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + response.lines().findFirst().orElse(response));
        }
        String accept;
        try {
            accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(
                    (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!response.toLowerCase().contains(accept.toLowerCase())) {
            throw new IOException("bad Sec-WebSocket-Accept in " + response);
        }
    }

    // ---- sending -------------------------------------------------------------------------

    /** Answer pings with pongs (true, the default) or ignore them like a dead peer would. */
    public void answerPings(boolean answer) {
        this.answerPings = answer;
    }

    public void sendText(String text) {
        sendFrame(true, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    public void send(ClientFrame frame) {
        sendText(FrameCodec.encodeClient(frame));
    }

    public void sendBinary(byte[] data) {
        sendFrame(true, BINARY, data);
    }

    /** One masked frame exactly as given. */
    public void sendFrame(boolean fin, int opcode, byte[] payload) {
        sendHeaderAndPayload(fin, opcode, payload.length, payload);
    }

    /**
     * A frame header announcing {@code declaredLength} bytes followed by only {@code payload}: lets
     * a test announce a frame far over a limit without sending all of it.
     */
    public void sendHeaderAndPayload(boolean fin, int opcode, long declaredLength, byte[] payload) {
        writeRaw(encode(fin, opcode, declaredLength, payload));
    }

    /** One masked client frame as bytes, announcing {@code declaredLength} bytes of which {@code payload} follows. */
    public static byte[] encode(boolean fin, int opcode, long declaredLength, byte[] payload) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(payload.length + 14);
        buf.write((fin ? 0x80 : 0) | opcode);
        if (declaredLength < 126) {
            buf.write(0x80 | (int) declaredLength);
        } else if (declaredLength <= 0xFFFF) {
            buf.write(0x80 | 126);
            buf.write((int) (declaredLength >>> 8) & 0xff);
            buf.write((int) declaredLength & 0xff);
        } else {
            buf.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                buf.write((int) (declaredLength >>> (8 * i)) & 0xff);
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        buf.writeBytes(mask);
        byte[] masked = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        buf.writeBytes(masked);
        return buf.toByteArray();
    }

    /** Writes bytes to the socket as they are (no framing). */
    public void writeRaw(byte[] bytes) {
        try {
            synchronized (out) {
                out.write(bytes);
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- receiving -----------------------------------------------------------------------

    /** The next frame from the node within {@code timeout}, or null. */
    public Frame nextFrame(Duration timeout) {
        try {
            return frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Skips frames until a text frame decodes to a {@code type}; fails after {@code timeout}. */
    public <T extends ServerFrame> T awaitFrame(Class<T> type, Duration timeout) {
        return awaitFrame(type, t -> true, timeout);
    }

    /** Skips frames until a text frame decodes to a {@code type} matching {@code match}. */
    public <T extends ServerFrame> T awaitFrame(Class<T> type, java.util.function.Predicate<? super T> match,
                                                Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Frame f = left > 0 ? nextFrame(Duration.ofNanos(left)) : null;
            if (f == null) {
                throw new AssertionError("no " + type.getSimpleName() + " within " + timeout
                        + "; close code " + closeCode.getNow(null));
            }
            if (f.opcode() == TEXT) {
                ServerFrame sf = FrameCodec.decodeServer(f.text());
                if (type.isInstance(sf) && match.test(type.cast(sf))) {
                    return type.cast(sf);
                }
            }
        }
    }

    public ServerFrame.Ready auth(String token) {
        send(new ClientFrame.Auth(null, token, null));
        return awaitFrame(ServerFrame.Ready.class, TestSocket.TIMEOUT);
    }

    /** The code of the close frame the node sent; fails if none arrives within {@code timeout}. */
    public int awaitCloseCode(Duration timeout) {
        try {
            CompletableFuture.anyOf(closeCode, eof).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("no close frame within " + timeout, e);
        }
        Integer code = closeCode.getNow(null);
        if (code == null) {
            // The reader completes closeCode before eof, so this connection ended without a close frame.
            throw new AssertionError("the node dropped the connection without a close frame");
        }
        return code;
    }

    /** Waits until the node has ended the TCP connection. */
    public void awaitEof(Duration timeout) {
        try {
            eof.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("connection still open after " + timeout, e);
        }
    }

    public int pingsSeen() {
        return pingsSeen;
    }

    /** Bytes the socket has received and nobody has read yet (before {@link #startReading}). */
    public int unreadBytes() {
        try {
            return in.available();
        } catch (IOException e) {
            return -1;
        }
    }

    private void readLoop() {
        try {
            while (true) {
                int b0 = in.read();
                if (b0 < 0) {
                    break;
                }
                int b1 = readByte();
                long len = b1 & 0x7f;
                if (len == 126) {
                    len = (readByte() << 8) | readByte();
                } else if (len == 127) {
                    len = 0;
                    for (int i = 0; i < 8; i++) {
                        len = (len << 8) | readByte();
                    }
                }
                if ((b1 & 0x80) != 0) {
                    in.readNBytes(4); // a server must not mask, but tolerate it
                }
                byte[] payload = in.readNBytes((int) len);
                if (payload.length < len) {
                    break;
                }
                Frame f = new Frame((b0 & 0x80) != 0, b0 & 0x0f, payload);
                if (f.opcode() == PING) {
                    pingsSeen++;
                    if (answerPings) {
                        sendFrame(true, PONG, payload);
                    }
                    continue;
                }
                if (f.opcode() == CLOSE) {
                    closeCode.complete(f.closeCode());
                }
                frames.add(f);
            }
        } catch (IOException | UncheckedIOException e) {
            // the connection ended
        } finally {
            eof.complete(null);
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
