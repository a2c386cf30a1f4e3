package com.outageimpact.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.outageimpact.common.JobOptions;
import java.time.Instant;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Where failed attempts stand out from a service's normal failure rate. */
class TransactionEvidenceTest {

  /** The defaults: alarm threshold 15, confirm threshold 8, 5-minute buckets, merge gap 30 minutes. */
  private static final DetectionParams PARAMS =
      DetectionParams.from(DetectionParams.declare(new JobOptions("test", "")).parse(new String[0]));
  private static final int BUCKETS = 120;
  private static final long T0 = Instant.parse("2021-10-04T12:00:00Z").getEpochSecond();

  /** Attempts at {@code rate} a bucket, of which a share {@code normal} fail, and {@code outage} fail in [from, to). */
  private static TransactionEvidence.Counts counts(long seed, double rate, double normal, int from, int to,
      double outage) {
    SplittableRandom rng = new SplittableRandom(seed);
    TransactionEvidence.Counts c = new TransactionEvidence.Counts(BUCKETS);
    c.baselineAttempts = Math.round(rate * 288 * 28);
    c.baselineFailures = Math.round(c.baselineAttempts * normal);
    for (int i = 0; i < BUCKETS; i++) {
      int n = (int) Math.round(rate + Math.sqrt(rate) * rng.nextGaussian());
      double p = i >= from && i < to ? outage : normal;
      for (int k = 0; k < Math.max(0, n); k++) {
        c.attempts[i]++;
        c.failures[i] += rng.nextDouble() < p ? 1 : 0;
      }
    }
    return c;
  }

  /** With no failures normally, the span runs from the first bucket with failures to the last. */
  @Test
  void failuresWithNoneNormallySpanFromTheFirstToTheLast() {
    TransactionEvidence.Counts c = counts(1, 4, 0, 20, 80, 0.6);
    TransactionEvidence.Counts.Found span = c.span(PARAMS);
    assertNotNull(span);
    int firstBucket = 20;
    while (c.failures[firstBucket] == 0) {
      firstBucket++;
    }
    int lastBucket = 79;
    while (c.failures[lastBucket] == 0) {
      lastBucket--;
    }
    assertEquals(firstBucket, span.from());
    assertEquals(lastBucket + 1, span.to());
  }

  /** The series gives the span as times on the bucket grid, across regions as well as per region. */
  @Test
  void theSeriesPlacesTheSpanOnTheBucketGrid() {
    TransactionEvidence.Series series = new TransactionEvidence.Series(BUCKETS, T0, 300);
    series.add("messaging", "DE", -1, 10_000, 0);
    series.add("messaging", "US", -1, 10_000, 0);
    for (int i = 10; i < 20; i++) {
      series.add("messaging", "DE", i, 4, 2);
    }
    TransactionEvidence.Span span = series.span("messaging", "ALL", PARAMS);
    assertEquals(Instant.ofEpochSecond(T0 + 10 * 300), span.start());
    assertEquals(Instant.ofEpochSecond(T0 + 20 * 300), span.end());
    assertEquals(20, span.failures());
    assertNotNull(series.span("messaging", "DE", PARAMS));
    assertNull(series.span("messaging", "US", PARAMS), "no failures in the US");
    assertNull(series.span("helpdesk", "ALL", PARAMS), "no transactions through it");
  }

  /**
   * A window's completion counts its service's attempts in the buckets the window touches, in the
   * regions asked for or across regions; the baseline weeks and the buckets outside it do not count.
   */
  @Test
  void aWindowsCompletionCountsTheAttemptsInsideIt() {
    TransactionEvidence.Series series = new TransactionEvidence.Series(BUCKETS, T0, 300);
    series.add("messaging", "DE", -1, 10_000, 5);
    for (int i = 0; i < BUCKETS; i++) {
      boolean inside = i >= 10 && i < 20;
      series.add("messaging", "DE", i, 6, inside ? 5 : 0);
      series.add("messaging", "US", i, 4, inside ? 1 : 0);
    }
    Instant start = Instant.ofEpochSecond(T0 + 10 * 300);
    // The end falls inside bucket 19: that bucket counts whole.
    Instant end = Instant.ofEpochSecond(T0 + 19 * 300 + 60);
    assertEquals(new OutageWindow.Completion(60, 10), series.completion("messaging", Set.of("DE"), start, end));
    assertEquals(new OutageWindow.Completion(100, 40), series.completion("messaging", Set.of("ALL"), start, end));
    assertEquals(new OutageWindow.Completion(100, 40),
        series.completion("messaging", Set.of("DE", "US", "JP"), start, end));
    assertEquals(new OutageWindow.Completion(0, 0), series.completion("helpdesk", Set.of("ALL"), start, end));
  }

  /**
   * A region where the failures of one of the incident's services stand out is hit; failures at
   * the normal rate, or of another service, place nothing.
   */
  @Test
  void theRegionsWhereAnIncidentServiceFailedStandOut() {
    TransactionEvidence.Series series = new TransactionEvidence.Series(BUCKETS, T0, 300);
    for (String region : java.util.List.of("US", "BR", "DE", "JP")) {
      series.add("messaging", region, -1, 100_000, 1_000);
      series.add("gaming", region, -1, 100_000, 1_000);
    }
    for (int i = 10; i < 40; i++) {
      series.add("messaging", "US", i, 20, 12);
      series.add("messaging", "BR", i, 3, 2);
      series.add("messaging", "DE", i, 20, 0);
      series.add("gaming", "JP", i, 20, 12);
    }
    // One normal-rate failure in Germany's 600 attempts.
    series.add("messaging", "DE", 25, 0, 1);
    assertEquals(java.util.Set.of("BR", "US"), series.regionsStandingOut(java.util.Set.of("messaging"), PARAMS));
    assertEquals(java.util.Set.of("BR", "JP", "US"),
        series.regionsStandingOut(java.util.Set.of("messaging", "gaming"), PARAMS));
  }

  /** With failures normal (2% of attempts), stray ones outside the outage do not stretch it. */
  @Test
  void strayFailuresAtTheNormalRateDoNotStretchTheSpan() {
    for (long seed = 1; seed <= 20; seed++) {
      TransactionEvidence.Counts.Found span = counts(seed, 20, 0.02, 30, 60, 0.5).span(PARAMS);
      assertNotNull(span, "seed " + seed);
      assertEquals(30, span.from(), 2, "seed " + seed);
      assertEquals(60, span.to(), 2, "seed " + seed);
    }
  }

  /**
   * A degraded tail after the down state (6% of attempts failing instead of 90%)
   * lowers the rate of any span that takes it in, so the best span stops where the service was
   * down; the tail still stands out from a service that never fails, and the span is stretched
   * over it, to within a lone last failure.
   */
  @Test
  void aDegradedTailAfterTheDownStateIsTakenIn() {
    for (long seed = 1; seed <= 10; seed++) {
      TransactionEvidence.Counts c = counts(seed, 10, 0, 20, 60, 0.9);
      SplittableRandom tail = new SplittableRandom(100 + seed);
      for (int i = 60; i < 80; i++) {
        c.failures[i] = 0;
        for (int k = 0; k < c.attempts[i]; k++) {
          c.failures[i] += tail.nextDouble() < 0.06 ? 1 : 0;
        }
      }
      TransactionEvidence.Counts.Found span = c.span(PARAMS);
      assertNotNull(span, "seed " + seed);
      long leftOut = 0;
      for (int i = span.to(); i < 80; i++) {
        leftOut += c.failures[i];
      }
      // A lone last failure may be left out: one failure is no rate.
      assertTrue(leftOut <= 1, "seed " + seed + ": " + leftOut + " of the tail's failures after the span");
      assertTrue(span.to() > 62, "seed " + seed + ": the span ends at " + span.to());
    }
  }

  /** Failures well after the outage, past a quiet half hour, are not taken in. */
  @Test
  void failuresPastAQuietHalfHourAreNotTakenIn() {
    TransactionEvidence.Counts c = counts(1, 4, 0, 20, 60, 0.9);
    c.failures[59] = Math.max(c.failures[59], 1);
    c.failures[67] = 2;
    c.failures[100] = 3;
    c.attempts[67] = Math.max(c.attempts[67], 2);
    c.attempts[100] = Math.max(c.attempts[100], 3);
    TransactionEvidence.Counts.Found span = c.span(PARAMS);
    assertEquals(60, span.to(), "seven quiet buckets (35 minutes) before bucket 67");
    c.failures[66] = 1;
    c.attempts[66] = Math.max(c.attempts[66], 1);
    assertEquals(68, c.span(PARAMS).to(), "six quiet buckets before bucket 66; then 34 before bucket 100");
  }

  @Test
  void nothingStandsOutWithoutAnOutageOrWithTooFewFailures() {
    for (long seed = 1; seed <= 20; seed++) {
      assertNull(counts(seed, 20, 0.02, 0, 0, 0).span(PARAMS), "seed " + seed);
    }
    // Two failures on a service that never fails: too few to place anything.
    TransactionEvidence.Counts two = counts(1, 4, 0, 0, 0, 0);
    two.failures[50] = 2;
    assertNull(two.span(PARAMS));
    // No baseline to judge by.
    TransactionEvidence.Counts unknown = counts(1, 4, 0, 20, 80, 0.6);
    unknown.baselineAttempts = 0;
    assertNull(unknown.span(PARAMS));
  }
}
