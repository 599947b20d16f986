/**
 * A user's conversation list: current conversations, most recent activity first, with unread
 * counts and the last entry each. Invariant: the list is derived from the stores on every request;
 * nothing here is a second source of truth.
 */
package dev.parley.core.inbox;
