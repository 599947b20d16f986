package dev.parley.sdk;

import java.util.List;

/** One page of search results, newest first; {@code next} (null on the last page) asks for the following one. */
public record SearchPage(List<SearchHit> hits, String next) {
}
