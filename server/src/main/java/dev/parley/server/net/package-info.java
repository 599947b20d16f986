/**
 * Connection admission on the node's HTTP port, below HTTP and WebSocket handling: how many
 * connections one source address may hold open, and how long a connection may take to send
 * each request head. Limits inside a WebSocket are in {@code dev.parley.server.ws}.
 */
package dev.parley.server.net;
