package dev.parley.store;

/**
 * {@link SqliteHotConversationsTest} with {@code storage.hotLog} on: what the writer
 * remembers stays true when its plain appends also go to the hot log. The second database that
 * stands for another process opens without the log (one process owns the log).
 */
class SqliteHotLogHotConversationsTest extends SqliteHotConversationsTest {
    @Override
    protected boolean hotLog() {
        return true;
    }
}
