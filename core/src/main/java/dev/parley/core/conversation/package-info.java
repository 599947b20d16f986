/**
 * Conversations and membership. Invariants: a pair of users has at most one direct conversation,
 * whose two members never change; a conversation's membership carries a version (the seq of its
 * last membership entry) and a cached snapshot is never replaced by an older one; a member who
 * leaves keeps the history up to the entry that removed them and sees nothing after it.
 */
package dev.parley.core.conversation;
