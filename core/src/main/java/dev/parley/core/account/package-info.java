/**
 * Accounts, devices and their tokens. Invariants: a username is unique among live accounts and is
 * compared lower-cased; a deleted account keeps its id (its history keeps a sender) and frees its
 * username; a device is authenticated by the SHA-256 of its token, never the token itself; password
 * hashing runs on a bounded pool and failed logins are throttled per account and per address.
 */
package dev.parley.core.account;
