/**
 * The chat domain of Parley, free of frameworks and I/O: accounts and devices, conversations and
 * membership, messages and their per-conversation sequence, receipts and presence. It reaches
 * storage, the network and time only through the ports (interfaces) in its feature packages;
 * adapters in other modules implement them.
 */
package dev.parley.core;
