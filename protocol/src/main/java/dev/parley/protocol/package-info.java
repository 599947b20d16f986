/**
 * The Parley real-time protocol, version 1: the frames a device and a node exchange over
 * {@code /v1/ws}, the error and close codes, and a JSON codec for them.
 *
 * <p>This package depends on Jackson's streaming core only, so the server, the SDK and the load
 * generator share one definition of the wire format. {@code docs/protocol.md} is the prose
 * version of the same contract.
 */
package dev.parley.protocol;
