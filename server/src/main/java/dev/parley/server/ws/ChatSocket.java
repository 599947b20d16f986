package dev.parley.server.ws;

import dev.parley.protocol.CloseCode;

/**
 * What a {@link ChatConnection} needs of its WebSocket: write frames, know whether the peer keeps
 * up, ping, close. {@link ChannelSocket} is the real one; the fan-out benchmark has its own.
 */
interface ChatSocket {

    /** Whether a close frame was sent or received, or the TCP connection is gone. */
    boolean isClosed();

    /** Whether the bytes waiting to be written are past the connection's outbound bound. */
    boolean writeQueueFull();

    /** Bytes waiting to be written (queued or not yet flushed). */
    long queuedBytes();

    /** Writes a text frame of bytes that are already UTF-8 JSON; flushed at the end of the loop's turn. */
    void writeText(byte[] utf8Json);

    /** Writes an empty ping, flushed at once. */
    void writePing();

    /** Starts the close handshake; the TCP connection is dropped if the peer does not answer in time. */
    void close(CloseCode code);

    /** Runs {@code then} once, when the queued bytes fall below the bound again. */
    void whenDrained(Runnable then);
}
