package dev.parley.app.consistency;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database failover under traffic: two nodes on a PostgreSQL primary with a synchronous standby
 * (private servers on this machine), devices chatting through a balancer; the primary is killed
 * with SIGKILL and the standby promoted. The nodes find the new primary by themselves (multi-host
 * JDBC URLs with {@code targetServerType=primary}), and the checker finds every confirmed message
 * in the promoted standby's history, in its order, once each: commits waited for the standby. The
 * outage costs a log line or two per writer, not a stack trace per write.
 */
class DatabaseFailoverTest {

    @Test
    void everyConfirmedMessageSurvivesTheLossOfThePrimary(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("parley.seed", ThreadLocalRandom.current().nextLong());
        DatabaseFailoverFleet fleet = new DatabaseFailoverFleet(2, dir,
                "parley-failover-" + Long.toHexString(seed));
        ConsistencyRun.Settings settings = new ConsistencyRun.Settings(seed, Duration.ofSeconds(8), "fsync", 4, 2, 1,
                100, 1, dir);
        ListAppender<ILoggingEvent> storeLog = capture("dev.parley.store");
        ConsistencyRun.Result r;
        try {
            r = new ConsistencyRun(settings, System.out).run(fleet);
        } finally {
            release("dev.parley.store", storeLog);
        }

        System.out.printf("database failover: every writer lane (%d) of every node committed again %d ms after the"
                        + " promotion, %d ms after the primary died; %d confirmed, %d refused%n", fleet.lanes(),
                fleet.recovery().toMillis(), fleet.downtime().toMillis(), r.report().confirmed(),
                r.report().refused());
        assertThat(r.report().consistent()).as("seed %d:%n%s", seed, r.report().summary()).isTrue();
        assertThat(r.report().lostConfirmed()).isZero();
        assertThat(r.report().confirmed()).isPositive();
        assertThat(fleet.recovery()).as("nodes reconnected to the promoted standby").isNotNull();

        // The outage is logged once per writer lane and read pool, with its cause, not per write.
        List<ILoggingEvent> loud = storeLog.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .toList();
        assertThat(loud).as("no stack traces").allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
        assertThat(loud).as("warnings about the outage: %s", loud.stream().map(ILoggingEvent::getFormattedMessage)
                .limit(5).toList()).hasSizeLessThanOrEqualTo(2 * (fleet.lanes() + fleet.databases()));
    }

    private static ListAppender<ILoggingEvent> capture(String logger) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(ctx);
        appender.start();
        ctx.getLogger(logger).addAppender(appender);
        return appender;
    }

    private static void release(String logger, ListAppender<ILoggingEvent> appender) {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(logger).detachAppender(appender);
    }
}
