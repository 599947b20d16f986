/**
 * Catch-up: what a device lacks after the positions it holds, read once for every transport
 * ({@code CatchUpReader}: a WebSocket resume, a gap fill, the pull model's pages in
 * {@code SyncReader}). Invariants: per conversation, entries in seq order with nothing skipped,
 * never past what the user may see (a former member's last entry), only conversations the user
 * belongs or belonged to; a page cut at its size returns positions that continue exactly after its
 * last entry; beyond the catch-up limit, or across entries deleted by retention, a resync instead
 * of entries; members who blocked the reader keep their receipt positions to themselves.
 */
package dev.parley.core.sync;
