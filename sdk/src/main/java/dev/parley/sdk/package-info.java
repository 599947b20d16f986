/**
 * The Java SDK of Parley: what a client application needs to talk to a node.
 *
 * <p>{@link dev.parley.sdk.ParleyClient} is the entry point: static calls to register and log in,
 * REST calls for accounts, conversations, groups and history, and one device's real-time
 * connection. The connection retries sends under their client id, reconnects by itself with
 * jittered exponential backoff, and resumes from the last position it delivered, so a
 * {@link dev.parley.sdk.ParleyListener} sees every history entry exactly once, in order.
 * The wire format comes from {@code dev.parley.protocol}; {@code docs/protocol.md} is the contract.
 */
package dev.parley.sdk;
