package dev.parley.core.report;

import dev.parley.core.account.UserId;

import java.util.List;
import java.util.Optional;

/**
 * Reports with their copied entries, on the shard of the report's id; the operators' list asks
 * every shard. Blocking: call from virtual threads.
 */
public interface ReportStore {

    /** Stores the report and its entries in one transaction. */
    void create(Report report);

    Optional<Report> find(long id);

    /** Reports newest first (only open ones when {@code openOnly}), at most {@code limit}. */
    List<Report> list(boolean openOnly, int limit);

    /** Marks the report resolved; false if it does not exist or already was. */
    boolean resolve(long id, long now);

    /** How many reports {@code reporter} made since {@code since} (ms). */
    int countSince(UserId reporter, long since);
}
