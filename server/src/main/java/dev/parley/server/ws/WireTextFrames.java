package dev.parley.server.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * The text frames an event loop writes, as the bytes that go on the wire (RFC 6455 section 5.2:
 * FIN, the text opcode, the length, the payload; a server's frames are not masked), built once per
 * frame and loop and shared by every connection of the loop that it goes to.
 *
 * <p>A fan-out gives one frame to each of a group's members, one after the other on each loop
 * (the loop's mailbox drains them in a row); building the frame once instead of once per member
 * saves, per delivery, Netty's frame object, the encoder's buffer and the copy of the payload into
 * it (a third of an event loop's Java time in a 1,024-member fan-out profile). Each write takes a
 * retained duplicate of the shared buffer, which Netty releases once written; the loop's own
 * reference is dropped when the next frame takes its place, so the memory goes back to the pool
 * as soon as the last write of it is done.
 *
 * <p>The shared buffer comes from a pooled allocator of its own, whose buffers hand out duplicates
 * from a per-thread recycler: the channel's (adaptive) allocator's buffers made a new duplicate
 * object for every write, a fifth of what a node allocated in a 1,024-member fan-out (JFR), and
 * young collections, 20-30 ms each, came that much more often. One arena of 1 MiB chunks, not
 * Netty's default pool (an arena and a 4 MiB chunk per event loop, up to two per core): it holds
 * one frame per loop at a time, and an arena's lock is taken once per frame and loop, not per write.
 *
 * <p>Threading: one cache per event loop thread ({@link FastThreadLocal}); use it only on the loop.
 */
final class WireTextFrames {
    private static final FastThreadLocal<WireTextFrames> OF_LOOP = new FastThreadLocal<>() {
        @Override
        protected WireTextFrames initialValue() {
            return new WireTextFrames();
        }
    };

    /** The JSON of the frame built last (compared by identity: the fan-out shares one array). */
    private byte[] lastJson;
    private ByteBuf lastWire;

    private WireTextFrames() {
    }

    /** Where the shared buffers come from; see the class comment. Frames over a chunk are unpooled. */
    private static final ByteBufAllocator SHARED = new PooledByteBufAllocator(true, 0, 1, 8192, 7, 256, 64, false);

    /** On an event loop: the frame of {@code utf8Json} for one more write, which releases it. */
    static ByteBuf forWrite(byte[] utf8Json) {
        return OF_LOOP.get().frame(utf8Json, SHARED).retainedDuplicate();
    }

    private ByteBuf frame(byte[] json, ByteBufAllocator alloc) {
        if (json != lastJson) {
            ByteBuf wire = encode(json, alloc);
            if (lastWire != null) {
                lastWire.release();
            }
            lastJson = json;
            lastWire = wire;
        }
        return lastWire;
    }

    /** FIN and the text opcode, the payload length in 7, 7+16 or 7+64 bits, no mask, the payload. */
    static ByteBuf encode(byte[] payload, ByteBufAllocator alloc) {
        int n = payload.length;
        int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
        ByteBuf b = alloc.directBuffer(header + n);
        b.writeByte(0x81);
        if (n < 126) {
            b.writeByte(n);
        } else if (n <= 0xFFFF) {
            b.writeByte(126);
            b.writeShort(n);
        } else {
            b.writeByte(127);
            b.writeLong(n);
        }
        b.writeBytes(payload);
        return b;
    }
}
