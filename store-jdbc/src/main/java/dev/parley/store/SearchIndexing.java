package dev.parley.store;

import dev.parley.core.limit.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The thread that writes the search file ({@link SearchFile}): it takes the writer's notes
 * ({@link SearchNotes}, a list per batch, in commit order), and runs the {@link SearchIndexer}'s
 * transactions on a connection of its own, the search file as its main schema and the database
 * attached as {@code chat} (only read), so the indexer's statements name the database's tables as
 * before. Its reads of the database take WAL snapshots and never hold the writer; its writes go to
 * the search file only.
 *
 * <p>Threading: {@link #take}, {@link #indexNow} and {@link #close} may be called from any thread;
 * the indexer and the connection are used on this thread only.
 */
final class SearchIndexing implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SearchIndexing.class);
    /** Page cache of the indexer's connection, in KiB (kept small: see SqliteDatabase's writer cache). */
    private static final int CACHE_KIB = 8_192;
    /** Without notes, the thread looks at the clock this often, and indexes what waits once none came for as long. */
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** A request to index at once, whatever is due (tests, benchmarks). */
    private record Now(CompletableFuture<Void> done) {
    }

    private static final Object STOP = new Object();

    private final Path searchFile;
    private final Path database;
    private final SearchIndexer indexer = new SearchIndexer();
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final RateLimitedLog failures = new RateLimitedLog(log, GroupCommitWriter.LOG_INTERVAL);
    private final Thread thread;
    private SqlSession session;

    SearchIndexing(Path searchFile, Path database, String name) {
        this.searchFile = searchFile;
        this.database = database;
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::loop);
        thread.start();
    }

    /** Notes of one batch, in commit order (the writer's thread). */
    void take(List<SearchNotes.Note> notes) {
        inbox.add(notes);
    }

    /** Indexes everything noted before this call, and completes once committed. */
    CompletableFuture<Void> indexNow() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        inbox.add(new Now(done));
        return done;
    }

    /** Up to which {@code search_purges} row the index was purged and committed (any thread). */
    long purgedUpTo() {
        return indexer.purgedUpTo();
    }

    /** The indexer, for tests that read its counters once indexing is idle. */
    SearchIndexer indexer() {
        return indexer;
    }

    private void loop() {
        while (true) {
            Object next;
            try {
                long wait = Math.min(indexer.nanosUntilDue(), IDLE_POLL_NANOS);
                next = wait == 0 ? inbox.poll() : inbox.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                continue;
            }
            boolean idle = next == null;
            while (next != null) {
                if (next == STOP) {
                    closeSession();
                    return;
                }
                if (next instanceof Now now) {
                    try {
                        indexer.indexNow(session());
                        now.done().complete(null);
                    } catch (SQLException | RuntimeException e) {
                        replaceAfter(e);
                        now.done().completeExceptionally(e);
                    }
                } else {
                    @SuppressWarnings("unchecked")
                    List<SearchNotes.Note> notes = (List<SearchNotes.Note>) next;
                    apply(notes);
                }
                next = inbox.poll();
            }
            try {
                indexer.indexIfDue(session(), idle);
            } catch (SQLException | RuntimeException e) {
                failures.log("search indexing failed (retried in a second; search reads the entries past the"
                        + " marks meanwhile): {}", e.toString());
                replaceAfter(e);
            }
        }
    }

    private void apply(List<SearchNotes.Note> notes) {
        for (SearchNotes.Note note : notes) {
            switch (note) {
                case SearchNotes.Appended a -> indexer.appended(a.conversation(), a.seq(), a.createdAt(), a.text(),
                        a.action());
                case SearchNotes.Changed c -> indexer.changed(c.conversation());
                case SearchNotes.Materialized m -> indexer.materialized(m.conversation());
            }
        }
        indexer.forgetEmpty();
    }

    private SqlSession session() throws SQLException {
        if (session == null) {
            Connection c = SearchFile.open(searchFile, CACHE_KIB);
            try {
                // Read only by what runs here: the indexer's statements write the search file's tables.
                try (var ps = c.prepareStatement("ATTACH DATABASE ? AS chat")) {
                    ps.setString(1, database.toString());
                    ps.execute();
                }
                c.setAutoCommit(false);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            session = new SqlSession(c, Dialect.SQLITE);
        }
        return session;
    }

    /** After a storage fault the connection is opened again at the next turn. */
    private void replaceAfter(Exception e) {
        if (Dialect.isStorageFault(e)) {
            closeSession();
        }
    }

    private void closeSession() {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    /** Stops after what was taken so far; what was not indexed is indexed after the next start. */
    @Override
    public void close() {
        inbox.add(STOP);
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
