/**
 * The pull model's catch-up: what a device lacks after the positions it holds, read exactly as a
 * WebSocket resume reads it. Invariants: per conversation, entries in seq order with nothing
 * skipped, never past what the user may see (a former member's last entry), only conversations
 * the user belongs or belonged to; a page cut at its size returns positions that continue exactly
 * after its last entry; beyond the catch-up limit, or across entries deleted by retention, a
 * resync instead of entries.
 */
package dev.parley.core.sync;
