package dev.parley.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Parley's logging, set up in code: one line per event on standard output, and the libraries'
 * chatter kept to warnings. It was a {@code logback.xml}; reading that XML (Joran, a SAX parser
 * and its classes) cost every start ~0.1 s before the node could be ready. Logback finds this
 * class through {@code META-INF/services}. An operator's own file still wins: with
 * {@code -Dlogback.configurationFile} set, this steps aside and Logback reads that file.
 * {@code LogSetup} then applies the level and JSON settings on top.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class ConsoleLogging extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext ctx) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(ctx);
        console.setName("CONSOLE");
        console.setEncoder(encoder);
        console.start();
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        ctx.getLogger("org.flywaydb").setLevel(Level.WARN);
        ctx.getLogger("io.netty").setLevel(Level.WARN);
        ctx.getLogger("io.vertx").setLevel(Level.WARN);
        // One "Connection evicted" per client connection when a node goes away (parley bench
        // reconnect printed ~3,000 of them): the clients' own reconnect lines say it better.
        ctx.getLogger("io.vertx.core.http.impl.HttpClientConnectionInternal").setLevel(Level.ERROR);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
