/**
 * Push notifications on a node: {@link dev.parley.server.push.NodePush} builds the gateways, the
 * store and the dispatcher from the {@code push} configuration, and taps committed entries from the
 * node's event publisher. The REST routes are {@code http.PushRoutes}; docs/push.md has the design.
 */
package dev.parley.server.push;
