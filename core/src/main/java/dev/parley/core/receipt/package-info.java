/**
 * Delivered and read positions. Invariants: positions only move forward, never past the
 * conversation's last seq, and read implies delivered; every change reaches every member's devices
 * (except members the reader blocked), in commit order.
 */
package dev.parley.core.receipt;
