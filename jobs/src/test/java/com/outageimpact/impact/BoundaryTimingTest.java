package com.outageimpact.impact;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The standard deviation of a detected boundary: a bucket either way, and the gap between pieces of evidence. */
class BoundaryTimingTest {

  @Test
  void aBusyServiceIsKnownToItsBucketsAQuietOneToItsEvidence() {
    // 6 hours down, 10,000 reports and failures: a gap of 2.16 s, nothing beside 5-minute buckets.
    assertEquals(300 / Math.sqrt(3), BoundaryTiming.sdSeconds(300, 10_000, 6 * 3600), 0.1);
    // 12 pieces of evidence in 6 hours: a gap of 30 minutes dominates.
    assertEquals(Math.sqrt(300.0 * 300 / 3 + 1800.0 * 1800), BoundaryTiming.sdSeconds(300, 12, 6 * 3600), 1e-9);
    // None at all: anywhere in the interval.
    assertEquals(Math.sqrt(300.0 * 300 / 3 + 3600.0 * 3600 / 12), BoundaryTiming.sdSeconds(300, 0, 3600), 1e-9);
  }
}
