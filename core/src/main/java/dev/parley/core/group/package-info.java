/**
 * Groups: creation, members, roles, renames. Invariants: every change is an entry of the group's
 * own history, written in the same transaction as the change, so every device sees it at the same
 * seq; the rules ({@link dev.parley.core.group.MembershipRules}) are decided from the members as
 * they are inside that transaction; a group always has exactly one owner while it has members.
 */
package dev.parley.core.group;
