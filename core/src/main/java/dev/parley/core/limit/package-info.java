/**
 * Allowances and rate limits (token buckets, per-key allowances with a bounded number of keys) and
 * a log that does not repeat itself. Invariant: every structure here holds a bounded amount of
 * memory whatever clients do.
 */
package dev.parley.core.limit;
