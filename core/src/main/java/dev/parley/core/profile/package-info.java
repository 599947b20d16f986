/**
 * Display names, status lines and avatars. Invariants: display names are normalized and checked
 * against confusable tricks as usernames are; an avatar is re-encoded before it is stored (never
 * served as uploaded) and is addressed by a version that changes with every upload.
 */
package dev.parley.core.profile;
