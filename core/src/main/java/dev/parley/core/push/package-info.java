/**
 * Push notifications for devices that are not connected: the targets devices register
 * ({@link dev.parley.core.push.PushTarget}), mutes, the durable outbox of pending pushes and its
 * coalescing ({@link dev.parley.core.push.PushStore}), who is pushed
 * ({@link dev.parley.core.push.PushPolicy}), the sending loop
 * ({@link dev.parley.core.push.PushDispatcher}) and the port to the platforms' push services
 * ({@link dev.parley.core.push.PushGateway}). docs/push.md describes the design.
 */
package dev.parley.core.push;
