package dev.parley.core.message;

import java.util.List;

/** A page of history in ascending seq order, and whether more lies beyond it in the paging direction. */
public record HistoryPage(List<Message> messages, boolean hasMore) {
}
