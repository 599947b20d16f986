/**
 * Online and last seen. Invariants: a user is online while any of their devices is connected, and
 * goes offline only after a grace period with no connection, so a reconnect does not flap; an
 * offline user's last seen is the moment their last connection ended.
 */
package dev.parley.core.presence;
