package dev.parley.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/**
 * Applies the observability settings to Logback: the root level, and one JSON object per line
 * on standard output when {@code observability.jsonLogs} is on. Log lines never carry tokens,
 * passwords or message bodies; connection and request ids ({@code conn=}, {@code req=}) tie
 * lines together.
 */
public final class LogSetup {
    private LogSetup() {
    }

    public static void apply(ServerConfig.Observability o) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(o.logLevel(), Level.INFO));
        if (o.jsonLogs()) {
            JsonEncoder encoder = new JsonEncoder();
            encoder.setContext(ctx);
            encoder.start();
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setContext(ctx);
            console.setName("json");
            console.setEncoder(encoder);
            console.start();
            root.detachAndStopAllAppenders();
            root.addAppender(console);
        }
    }
}
