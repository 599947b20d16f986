/**
 * Typing indicators. Invariants: never stored; sent to the other members only; an indicator that
 * is not renewed ends by itself after its expiry.
 */
package dev.parley.core.typing;
