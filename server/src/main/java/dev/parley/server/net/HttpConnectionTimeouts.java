package dev.parley.server.net;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Closes an HTTP/1.1 connection on which a slow client holds the node, so that it cannot keep a
 * connection by sending a byte now and then (slowloris) or by never taking its answer:
 * <ul>
 *   <li>waiting for a request head: the whole head must arrive within {@code headNanos} of the
 *       connection's start or, on a kept-alive connection, of the previous answer;</li>
 *   <li>receiving a request body: nothing new for {@code idleNanos} closes it;</li>
 *   <li>sending an answer: it must have left for the client within {@code idleNanos} of being
 *       written.</li>
 * </ul>
 * While the node works on a request it has wholly received there is no limit (an online backup
 * may take minutes). A connection that becomes a WebSocket drops this handler: its heartbeat
 * governs it from then on.
 *
 * <p>Sits in the pipeline between the HTTP codec and Vert.x, on the connection's event loop.
 */
final class HttpConnectionTimeouts extends ChannelDuplexHandler {
    private final long headNanos;
    private final long idleNanos;
    private final Runnable onHeadTimeout;
    private ScheduledFuture<?> timer;
    /** The limit the timer was set for; a timer that finds the wait extended sets itself again. */
    private long timerLimit;
    /** Requests whose head arrived and whose answer has not yet left. */
    private int unanswered;
    /** Whether a request's body is still arriving. */
    private boolean receiving;
    /** Answers written but not yet handed to the socket. */
    private int sending;
    /** Whether the answer being written is final (not a 1xx such as 100 Continue). */
    private boolean finalAnswer;
    /** When the current wait began: for a head, a body's latest part, or an answer's write. */
    private long since;

    HttpConnectionTimeouts(long headNanos, long idleNanos, Runnable onHeadTimeout) {
        this.headNanos = headNanos;
        this.idleNanos = idleNanos;
        this.onHeadTimeout = onHeadTimeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        since = System.nanoTime();
        reschedule(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            unanswered++;
            receiving = true;
        }
        if (msg instanceof HttpContent || msg instanceof HttpRequest) {
            since = System.nanoTime();
        }
        if (msg instanceof LastHttpContent) {
            receiving = false;
        }
        if (timer == null || limit() != timerLimit) {
            reschedule(ctx);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            if (response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                ctx.write(msg, promise);
                ctx.pipeline().remove(this);
                return;
            }
            finalAnswer = response.status().code() >= 200;
        }
        if (msg instanceof LastHttpContent && finalAnswer) {
            sending++;
            since = System.nanoTime();
            ChannelPromise sent = promise.unvoid();
            sent.addListener(f -> {
                sending--;
                unanswered = Math.max(0, unanswered - 1);
                since = System.nanoTime();
                reschedule(ctx);
            });
            reschedule(ctx);
            ctx.write(msg, sent);
            return;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    /** How long the current wait may last, or -1 while the node works on a request. */
    private long limit() {
        if (receiving || sending > 0) {
            return idleNanos;
        }
        return unanswered == 0 ? headNanos : -1;
    }

    private void reschedule(ChannelHandlerContext ctx) {
        cancel();
        long limit = limit();
        if (limit >= 0 && ctx.channel().isActive()) {
            timerLimit = limit;
            long due = since + limit;
            timer = ctx.executor().schedule(() -> expire(ctx, due), Math.max(0, due - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
        }
    }

    private void expire(ChannelHandlerContext ctx, long due) {
        timer = null;
        long limit = limit();
        if (limit < 0 || since + limit != due) {
            reschedule(ctx);
        } else {
            if (unanswered == 0) {
                onHeadTimeout.run();
            }
            ctx.close();
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
