package dev.parley.server.ws;

import dev.parley.core.account.Caller;
import dev.parley.core.sync.CatchUpReader;
import dev.parley.core.sync.ResumeStep;
import dev.parley.protocol.CloseCode;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.Blocking;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Brings a reconnecting device up to date from the positions it stated in {@code auth}: the core's
 * {@link CatchUpReader#resume} decides what the device gets (docs/protocol.md, "Resume and
 * catch-up"); this turns each step into frames and writes them through the connection's loop.
 *
 * <p>The connection is registered for live delivery before this starts, and its
 * {@link OrderedDelivery} buffers live entries while it runs; each conversation's last seq is read
 * after registration, so every entry is either read here or arrives live, and the cursors drop
 * the overlap. After the last step come {@code synced}, then the buffered live entries. Runs on a
 * virtual thread and hands each step to the connection's loop in order. Once
 * {@value #UNWAITED_BYTES} bytes of frames were handed over without a wait, or the socket is past
 * its outbound bound, it waits until the loop has written the step and the socket has drained, so
 * a large catch-up never floods memory (the next chunk is read only then); a device that reads
 * nothing for two heartbeat intervals meanwhile is closed as a slow consumer. A small catch-up
 * (most after a restart: a few frames per conversation) thus never parks its thread on the loop's
 * answer, which in a reconnect storm was several hand-offs per device.
 */
final class CatchUp {
    private static final Logger log = LoggerFactory.getLogger(CatchUp.class);
    /** Frame bytes a catch-up hands to the loop before it waits for the socket to drain. */
    static final int UNWAITED_BYTES = 64 * 1024;

    private final ChatConnection connection;
    private final SocketServices services;
    private final Map<Long, Long> positions;
    /** Frame bytes handed to the loop since the last wait for the socket to drain. */
    private long unwaited;

    CatchUp(ChatConnection connection, SocketServices services, Map<Long, Long> positions) {
        this.connection = connection;
        this.services = services;
        this.positions = positions;
    }

    void start() {
        Blocking.executor().execute(this::run);
    }

    private void run() {
        Caller caller = connection.caller();
        try {
            services.chat().catchUp().resume(caller.userId(), positions, this::write);
        } catch (ClosedDuringCatchUp e) {
            log.debug("connection closed during catch-up conn={}", connection.id());
        } catch (RuntimeException e) {
            log.warn("catch-up failed conn={}: {}", connection.id(), e.toString());
            connection.closeFromAnyThread(CloseCode.INTERNAL_ERROR);
        }
    }

    /** One step as frames, encoded here on the virtual thread, written on the loop. */
    private void write(ResumeStep step) {
        switch (step) {
            case ResumeStep.UpToDate u -> onLoop(0, () -> connection.caughtUpTo(u.conversationId(), u.position()));
            case ResumeStep.Resync r -> {
                byte[] frame = FrameCodec.encodeServer(new ServerFrame.Resync(r.conversationId(), r.latestSeq()));
                onLoop(frame.length, () -> {
                    connection.writePaced(frame);
                    connection.caughtUpTo(r.conversationId(), r.latestSeq());
                });
            }
            case ResumeStep.Entries e -> {
                List<byte[]> frames = new ArrayList<>(e.entries().size());
                e.entries().forEach(m -> frames.add(FrameCodec.encodeServer(WireFrames.message(m))));
                onLoop(bytes(frames), () -> {
                    for (byte[] f : frames) {
                        connection.writePaced(f);
                        services.metrics().delivered(0);
                    }
                    connection.caughtUpTo(e.conversationId(), e.last());
                });
            }
            case ResumeStep.Receipts r -> {
                List<byte[]> frames = new ArrayList<>(r.members().size());
                r.members().forEach(ms -> frames.add(FrameCodec.encodeServer(new ServerFrame.Receipt(r.conversationId(),
                        ms.userId().value(), ms.deliveredSeq(), ms.readSeq()))));
                onLoop(bytes(frames), () -> frames.forEach(connection::writePaced));
            }
            case ResumeStep.Finished f -> {
                byte[] synced = FrameCodec.encodeServer(new ServerFrame.Synced(f.conversations(), f.entries()));
                onLoop(synced.length, () -> {
                    connection.writePaced(synced);
                    connection.goLive();
                });
            }
        }
    }

    private static long bytes(List<byte[]> frames) {
        long n = 0;
        for (byte[] f : frames) {
            n += f.length;
        }
        return n;
    }

    /**
     * Hands {@code work}, which writes {@code frameBytes} of frames, to the loop: without waiting
     * while little was handed over since the last wait and the socket keeps up, else waiting until
     * it has run and the socket has drained.
     */
    private void onLoop(long frameBytes, Runnable work) {
        if (connection.isClosed()) {
            throw new ClosedDuringCatchUp();
        }
        unwaited += frameBytes;
        if (unwaited < UNWAITED_BYTES && !connection.outboundFull()) {
            connection.onLoopIfOpen(work);
            return;
        }
        unwaited = 0;
        try {
            connection.onLoopThenDrained(work).get(2 * services.config().timing().heartbeat().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            connection.postTask(() -> connection.closeSlowConsumer("nothing read during catch-up"));
            throw new ClosedDuringCatchUp();
        } catch (ExecutionException e) {
            throw new ClosedDuringCatchUp();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClosedDuringCatchUp();
        }
    }

    private static final class ClosedDuringCatchUp extends RuntimeException {
        ClosedDuringCatchUp() {
            super(null, null, false, false);
        }
    }
}
