/**
 * Full-text search over text entries. Invariants: a user finds only entries of conversations they
 * are a member of, within their membership; every word of a query must start a word of the entry,
 * folded the same way on both sides ({@link dev.parley.core.search.SearchText}); text that was
 * erased or deleted is not found.
 */
package dev.parley.core.search;
