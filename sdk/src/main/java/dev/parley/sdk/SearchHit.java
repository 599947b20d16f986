package dev.parley.sdk;

import java.util.List;

/**
 * A message that matched a search: where it is ({@code conversationId}, {@code seq}), who sent it
 * when, and up to 120 characters of its text around the first match, with each matched word's
 * {@code [start, end)} in {@code highlights}.
 */
public record SearchHit(long conversationId, long seq, long senderId, long ts, String snippet,
                        List<int[]> highlights) {
}
