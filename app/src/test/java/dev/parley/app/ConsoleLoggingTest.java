package dev.parley.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleLoggingTest {

    @Test
    void logbackFindsIt() {
        assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
                .contains(ConsoleLogging.class);
    }

    @Test
    void oneLinePerEventOnStandardOutputAndTheLibrariesAtWarnings() {
        LoggerContext ctx = new LoggerContext();
        assertThat(new ConsoleLogging().configure(ctx)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        var root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        var console = (ConsoleAppender<?>) root.getAppender("CONSOLE");
        assertThat(console.isStarted()).isTrue();
        assertThat(((PatternLayoutEncoder) console.getEncoder()).getPattern()).isEqualTo(ConsoleLogging.PATTERN);
        assertThat(ctx.getLogger("org.flywaydb.core.Flyway").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(ctx.getLogger("io.vertx.core.impl.VertxImpl").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(ctx.getLogger("io.vertx.core.http.impl.HttpClientConnectionInternal").getEffectiveLevel())
                .isEqualTo(Level.ERROR);
        assertThat(ctx.getLogger("dev.parley.server.ParleyNode").getEffectiveLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void anOperatorsOwnFileWins() {
        String before = System.getProperty("logback.configurationFile");
        System.setProperty("logback.configurationFile", "/etc/parley/logback.xml");
        try {
            LoggerContext ctx = new LoggerContext();
            assertThat(new ConsoleLogging().configure(ctx)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
        } finally {
            if (before == null) {
                System.clearProperty("logback.configurationFile");
            } else {
                System.setProperty("logback.configurationFile", before);
            }
        }
    }
}
