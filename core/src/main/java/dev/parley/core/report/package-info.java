/**
 * Reports to the operators. Invariant: a report keeps copies of the reported entries as they were,
 * so deleting the account, erasing its messages or the retention sweep does not destroy the evidence.
 */
package dev.parley.core.report;
