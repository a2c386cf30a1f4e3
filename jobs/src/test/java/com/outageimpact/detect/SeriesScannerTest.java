package com.outageimpact.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The per-series scanner on synthetic Poisson series with a daily cycle, five weeks of
 * five-minute buckets, where the truth is known exactly: where a surge starts, where service
 * returns (after which reports drain exponentially), and where nothing happened.
 */
class SeriesScannerTest {

  private static final DetectionParams PARAMS = new DetectionParams(5, 4, 0.25, 3, 15, 6, 10, 20, 20, 30, 2);
  private static final int WEEK = PARAMS.bucketsPerWeek();
  private static final int LENGTH = 5 * WEEK;
  /** Monday of the last week, 15:00. */
  private static final int OUTAGE_START = 4 * WEEK + 15 * 12;

  /** A series: background at {@code level} reports per bucket on average, plus a surge when {@code multiple > 0}. */
  private static long[] series(long seed, double level, int start, int buckets, double multiple, double drainMinutes) {
    SplittableRandom rng = new SplittableRandom(seed);
    long[] counts = new long[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      double background = backgroundAt(level, i);
      double lift = 0;
      if (multiple > 0 && i >= start) {
        lift = i < start + buckets ? multiple - 1
            : (multiple - 1) * Math.exp(-((i - start - buckets + 0.5) * 5) / drainMinutes);
      }
      counts[i] = poisson(rng, background * (1 + lift));
    }
    return counts;
  }

  /** Normal reports per bucket: a daily cycle from 0.2 to 1.8 times {@code level}, peaking at 15:00. */
  private static double backgroundAt(double level, int bucket) {
    double hour = (bucket % 288) / 12.0;
    return level * (1 + 0.8 * Math.sin((hour - 9) / 24 * 2 * Math.PI));
  }

  private static long poisson(SplittableRandom rng, double mean) {
    if (mean > 50) {
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(rng)));
    }
    double limit = Math.exp(-mean);
    double product = rng.nextDouble();
    long k = 0;
    while (product > limit) {
      product *= rng.nextDouble();
      k++;
    }
    return k;
  }

  private static double gaussian(SplittableRandom rng) {
    return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
  }

  private static List<SeriesScanner.Window> scan(long[] counts) {
    return SeriesScanner.windows(counts, baseline(counts), null, PARAMS);
  }

  private static SeriesScanner.Baseline baseline(long[] counts) {
    // Dispersion blocks of half an hour (6 buckets), as with the job's default --min-duration-minutes.
    return SeriesScanner.baseline(counts, WEEK, PARAMS.baselineWeeks(), PARAMS.baselineFloor(), 6);
  }

  @ParameterizedTest(name = "level {0}/bucket x{1} for {2} buckets")
  @CsvSource({
      "0.4, 6, 72", // a small degraded service: one report a bucket becomes a few
      "3, 5, 144", // degraded for twelve hours
      "20, 50, 66", // a big service down
      "20, 50, 6", // down for half an hour
      "200, 80, 36",
  })
  void findsTheSurgeWithItsStartAndEnd(double level, double multiple, int buckets) {
    // Where the series is sparse (under a report a bucket normally at that time of day), the
    // coarser bounds docs/detection.md states apply.
    int startTolerance = backgroundAt(level, OUTAGE_START) < 1 ? 6 : 2;
    int endTolerance = backgroundAt(level, OUTAGE_START + buckets) < 1 ? 30 : 6;
    for (long seed = 1; seed <= 10; seed++) {
      List<SeriesScanner.Window> windows = scan(series(seed, level, OUTAGE_START, buckets, multiple, 40));
      assertEquals(1, windows.size(), "seed " + seed + ": " + windows);
      SeriesScanner.Window w = windows.get(0);
      assertTrue(Math.abs(w.start() - OUTAGE_START) <= startTolerance,
          "seed " + seed + ": start off by " + (w.start() - OUTAGE_START));
      int trueEnd = OUTAGE_START + buckets;
      assertTrue(Math.abs(w.end() - trueEnd) <= endTolerance, "seed " + seed + ": end off by " + (w.end() - trueEnd));
      assertTrue(w.drainEnd() >= w.end() && w.firstAlarm() >= w.start() && w.firstAlarm() < w.drainEnd(), w.toString());
      assertTrue(w.reports() > w.expected() && w.peakRatio() >= 2, w.toString());
    }
  }

  @org.junit.jupiter.api.Test
  void aSmallServiceHitForHalfAnHourIsFoundWhereOthersShowAnIncident() {
    boolean[] focus = new boolean[LENGTH];
    java.util.Arrays.fill(focus, OUTAGE_START - 12, OUTAGE_START + 24, true);
    for (long seed = 1; seed <= 10; seed++) {
      long[] counts = series(seed, 0.4, OUTAGE_START, 6, 6, 40);
      List<SeriesScanner.Window> windows = SeriesScanner.windows(counts, baseline(counts), focus, PARAMS);
      assertEquals(1, windows.size(), "seed " + seed + ": " + windows);
      assertTrue(Math.abs(windows.get(0).start() - OUTAGE_START) <= 6, "seed " + seed + ": " + windows);
      assertTrue(Math.abs(windows.get(0).end() - (OUTAGE_START + 6)) <= 30, "seed " + seed + ": " + windows);
    }
  }

  @ParameterizedTest(name = "level {0}/bucket")
  @ValueSource(doubles = {0.05, 0.4, 3, 20, 200})
  void quietSeriesHaveNoWindows(double level) {
    for (long seed = 1; seed <= 20; seed++) {
      long[] quiet = series(seed, level, 0, 0, 0, 1);
      assertEquals(List.of(), scan(quiet), "seed " + seed);
      // Poisson counts burst too little for their own threshold to rise above the default.
      assertEquals(PARAMS.alarmThreshold(), SeriesScanner.alarmThreshold(quiet, baseline(quiet), PARAMS), "seed " + seed);
    }
  }

  @ParameterizedTest(name = "level {0}/bucket")
  @ValueSource(doubles = {3, 20, 200})
  void aSpikeOfTwentyTimesNormalForTenMinutesIsAWindow(double level) {
    for (long seed = 1; seed <= 10; seed++) {
      List<SeriesScanner.Window> windows = scan(series(seed, level, OUTAGE_START, 2, 20, 1));
      assertEquals(1, windows.size(), "seed " + seed + ": " + windows);
    }
  }

  @ParameterizedTest(name = "level {0}/bucket")
  @ValueSource(doubles = {3, 20, 200})
  void aBlipOfAFewTimesNormalForFifteenMinutesIsNoWindow(double level) {
    for (long seed = 1; seed <= 20; seed++) {
      assertEquals(List.of(), scan(series(seed, level, OUTAGE_START, 3, 3.5, 1)), "seed " + seed);
    }
  }

  @ParameterizedTest(name = "level {0}/bucket")
  @ValueSource(doubles = {0.4, 20})
  void aPastIncidentDoesNotMoveTheBaseline(double level) {
    long[] counts = series(7, level, 3 * WEEK + 15 * 12, 66, 50, 40);
    double[] baseline = baseline(counts).expected();
    long[] quiet = series(7, level, 0, 0, 0, 1);
    double[] quietBaseline = baseline(quiet).expected();
    for (int i = OUTAGE_START; i < OUTAGE_START + 66; i++) {
      // One incident week out of four shifts the median by at most one rank.
      assertTrue(baseline[i] <= quietBaseline[i] + 3 * Math.sqrt(level) + 1,
          "bucket " + i + ": " + baseline[i] + " against " + quietBaseline[i]);
    }
    assertEquals(1, scan(counts).size(), "the past incident itself is found");
  }

  @org.junit.jupiter.api.Test
  void aShortHistoryFallsBackToWhatExists() {
    long[] counts = series(1, 20, 0, 0, 0, 1);
    SeriesScanner.Baseline baseline = baseline(counts);
    assertTrue(Double.isNaN(baseline.expected()[288 + 1]), "under a day of history: no baseline");
    assertEquals(SeriesScanner.Kind.DAILY, baseline.kind()[288 + 2]);
    assertEquals(SeriesScanner.Kind.DAILY, baseline.kind()[WEEK + 1]);
    assertEquals(SeriesScanner.Kind.FEW_WEEKS, baseline.kind()[WEEK + 2]);
    assertEquals(SeriesScanner.Kind.FEW_WEEKS, baseline.kind()[3 * WEEK + 1]);
    assertEquals(SeriesScanner.Kind.WEEKLY, baseline.kind()[3 * WEEK + 2]);
    // With the weeks it wants, the baseline is what it always was: the median of the weekly means.
    int i = 4 * WEEK + 100;
    double[] weekly = new double[4];
    for (int k = 1; k <= 4; k++) {
      for (int d = -2; d <= 2; d++) {
        weekly[k - 1] += counts[i - k * WEEK + d] / 5.0;
      }
    }
    java.util.Arrays.sort(weekly);
    assertEquals((weekly[1] + weekly[2]) / 2, baseline.expected()[i], 1e-9);
  }

  /**
   * Only {@code hours} of reports before an outage (an analyst's export of the days around it,
   * a new service): the outage is found, starting within two buckets, by the daily baseline,
   * and the same hours without an outage give no window.
   */
  @ParameterizedTest(name = "level {0}/bucket, {1} h of history")
  @CsvSource({"20, 48", "20, 24", "200, 48", "200, 24", "3, 48"})
  void aShortHistoryStillFindsAnOutage(double level, int hours) {
    int from = OUTAGE_START - hours * 12;
    for (long seed = 1; seed <= 10; seed++) {
      long[] counts = java.util.Arrays.copyOfRange(series(seed, level, OUTAGE_START, 24, 30, 40), from, LENGTH);
      List<SeriesScanner.Window> windows = scan(counts);
      assertEquals(1, windows.size(), "seed " + seed + ": " + windows);
      SeriesScanner.Window w = windows.get(0);
      assertTrue(Math.abs(w.start() - (OUTAGE_START - from)) <= 2, "seed " + seed + ": " + w);
      assertEquals(SeriesScanner.Kind.DAILY, w.baselineKind());
      long[] quiet = java.util.Arrays.copyOfRange(series(seed, level, 0, 0, 0, 1), from, LENGTH);
      assertEquals(List.of(), scan(quiet), "seed " + seed);
    }
  }

  /**
   * Counts that vary several times more than Poisson ones, as real report streams do: each
   * half hour's rate is the background times a gamma draw (relative standard deviation 0.2).
   */
  private static long[] overdispersed(long seed, double level, int start, int buckets, double multiple) {
    SplittableRandom rng = new SplittableRandom(seed);
    long[] counts = new long[LENGTH];
    double burst = 1;
    for (int i = 0; i < LENGTH; i++) {
      if (i % 6 == 0) {
        burst = 0; // gamma with shape 25 and mean 1: a sum of 25 exponentials over 25
        for (int k = 0; k < 25; k++) {
          burst -= Math.log(1 - rng.nextDouble()) / 25;
        }
      }
      double lift = multiple > 0 && i >= start && i < start + buckets ? multiple : 1;
      counts[i] = poisson(rng, backgroundAt(level, i) * burst * lift);
    }
    return counts;
  }

  @ParameterizedTest(name = "level {0}/bucket")
  @ValueSource(doubles = {3, 20, 200})
  void overdispersedCountsAreNoSurgeButAnOutageStillIs(double level) {
    for (long seed = 1; seed <= 10; seed++) {
      long[] quiet = overdispersed(seed, level, 0, 0, 0);
      if (level >= 20) { // at 3 a bucket the Poisson noise is still most of the variance
        assertTrue(baseline(quiet).dispersion() > 1.5, "seed " + seed + ": " + baseline(quiet).dispersion());
      }
      assertEquals(List.of(), scan(quiet), "seed " + seed);
      List<SeriesScanner.Window> windows = scan(overdispersed(seed, level, OUTAGE_START, 24, 30));
      assertEquals(1, windows.size(), "seed " + seed + ": " + windows);
      assertTrue(Math.abs(windows.get(0).start() - OUTAGE_START) <= 2, "seed " + seed + ": " + windows);
    }
  }

  /**
   * A series that bursts as social media do: about once a day (at random) its rate jumps for 15
   * minutes to 2 hours, by a factor with a heavy tail (3 / U^(1/1.5), capped at 30: most bursts
   * a few times normal, a few of them tens of times).
   */
  private static long[] bursty(long seed, double level, int start, int buckets, double multiple) {
    SplittableRandom rng = new SplittableRandom(seed * 7919);
    long[] counts = new long[LENGTH];
    int burstEnd = -1;
    double burst = 1;
    for (int i = 0; i < LENGTH; i++) {
      boolean nearOutage = multiple > 0 && i > start - 288 && i < start + buckets; // its start stays its own
      if (i >= burstEnd && rng.nextDouble() < 1.0 / 288 && !nearOutage) {
        burstEnd = i + 3 + rng.nextInt(22);
        burst = Math.min(30, 3 / Math.pow(1 - rng.nextDouble(), 1 / 1.5));
      }
      double lift = i < burstEnd ? burst : 1;
      if (multiple > 0 && i >= start && i < start + buckets) {
        lift = multiple;
      }
      counts[i] = poisson(rng, backgroundAt(level, i) * lift);
    }
    return counts;
  }

  @ParameterizedTest(name = "level {0}/bucket")
  @ValueSource(doubles = {3, 20})
  void aBurstySeriesRaisesItsOwnThresholdAndStillFindsAnOutage(double level) {
    DetectionParams fixedThreshold = new DetectionParams(5, 4, 0.25, 3, 15, 6, 10, 20, 20, 30, 0);
    int calibrated = 0;
    int fixed = 0;
    int seeds = 10;
    for (long seed = 1; seed <= seeds; seed++) {
      long[] quiet = bursty(seed, level, 0, 0, 0);
      SeriesScanner.Baseline baseline = baseline(quiet);
      assertTrue(SeriesScanner.alarmThreshold(quiet, baseline, PARAMS) > PARAMS.alarmThreshold(), "seed " + seed);
      calibrated += SeriesScanner.windows(quiet, baseline, null, PARAMS).size();
      fixed += SeriesScanner.windows(quiet, baseline, null, fixedThreshold).size();
      // Down for two hours, reports at 30 times normal: still found, starting where it did.
      List<SeriesScanner.Window> windows = scan(bursty(seed, level, OUTAGE_START, 24, 30));
      // (a burst just before it may join its window)
      assertTrue(windows.stream().anyMatch(w -> w.start() <= OUTAGE_START + 2 && w.start() >= OUTAGE_START - 24
          && w.end() > OUTAGE_START + 12), "seed " + seed + ": " + windows);
    }
    // Bursts may cross the threshold about once per two weeks (--false-alarm-weeks 2); the
    // baseline exists after the first day, so about 4.9 weeks of each series are judged.
    double perWeek = calibrated / (seeds * 4.9);
    assertTrue(perWeek <= 1.0, "windows per series-week " + perWeek);
    assertTrue(fixed >= 3 * calibrated + 10, "fixed threshold " + fixed + " windows, calibrated " + calibrated);
  }
}
