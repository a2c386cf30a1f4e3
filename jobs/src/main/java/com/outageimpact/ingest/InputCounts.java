package com.outageimpact.ingest;

import java.util.Map;

/**
 * What happened to one input's rows. Every row read is accepted, rejected or a duplicate:
 * {@code read = accepted + rejected + duplicates}, checked when the counts are made.
 * {@code duplicates} are exact copies of the kept row; copies of a key with other content are
 * {@code conflictingDuplicates}, counted among the rejected (reason {@code conflicting_duplicate}),
 * so that each has its reject row. When only
 * some date partitions were read ({@code dates} not null), the counts are those of the files
 * read, and {@code filesSkipped} says how many were not.
 */
public record InputCounts(
    String input,
    String path,
    String format,
    int files,
    DateSpan dates,
    int filesSkipped,
    long read,
    long accepted,
    long rejected,
    long duplicates,
    long conflictingDuplicates,
    Map<String, Long> rejectedByReason) {

  public InputCounts {
    if (read != accepted + rejected + duplicates) {
      throw new IllegalStateException("counts of input '" + input + "' do not reconcile: read " + read
          + " != accepted " + accepted + " + rejected " + rejected + " + duplicates " + duplicates);
    }
    long conflicting = rejectedByReason.getOrDefault(RejectReason.CONFLICTING_DUPLICATE.code(), 0L);
    if (conflicting != conflictingDuplicates) {
      throw new IllegalStateException("input '" + input + "': " + conflictingDuplicates
          + " conflicting duplicates but " + conflicting + " rejected as such");
    }
    long byReason = rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
    if (byReason != rejected) {
      throw new IllegalStateException("rejects of input '" + input + "' by reason add up to " + byReason
          + ", not " + rejected);
    }
  }
}
