/**
 * The pull model: long polls on {@code /v1/sync} that wait for a user's events without holding a
 * thread, woken by the same publisher that feeds WebSockets (docs/protocol.md, "Pull").
 */
package dev.parley.server.pull;
