package com.outageimpact.ingest;

import java.util.Map;

/**
 * What happened to one input's rows. Every row read is accepted, rejected or a duplicate:
 * {@code read = accepted + rejected + duplicates}, checked when the counts are made. When only
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
    Map<String, Long> rejectedByReason) {

  public InputCounts {
    if (read != accepted + rejected + duplicates) {
      throw new IllegalStateException("counts of input '" + input + "' do not reconcile: read " + read
          + " != accepted " + accepted + " + rejected " + rejected + " + duplicates " + duplicates);
    }
    long byReason = rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
    if (byReason != rejected) {
      throw new IllegalStateException("rejects of input '" + input + "' by reason add up to " + byReason
          + ", not " + rejected);
    }
  }
}
