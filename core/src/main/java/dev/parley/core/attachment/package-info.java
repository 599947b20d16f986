/**
 * Files and photos sent in messages. Invariants: an upload belongs to its uploader, and only they
 * may attach it, before it expires unsent; anyone else may fetch it only while they can see a
 * history entry that carries it (else "not found", as for an id that does not exist); a retried
 * upload of the same bytes and name is the first one; the bytes themselves live outside the core,
 * keyed by their SHA-256.
 */
package dev.parley.core.attachment;
