/**
 * Message requests: a direct conversation opened by someone the recipient never talked to.
 * Invariants: until the recipient accepts, they are not a member (nothing of the conversation
 * reaches them but the one notice, and nothing of theirs reaches the requester); accepting is an
 * entry of the conversation, written with the membership change in one transaction.
 */
package dev.parley.core.request;
