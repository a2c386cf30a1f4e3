package com.outageimpact.detect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scans one report series (a service in one region, or across regions) in time order: its
 * seasonal baseline, and the windows where reports rose well above it.
 *
 * <p>Three steps, each chosen for a property users need:
 * <ol>
 *   <li><b>Baseline</b>: the median, over the previous weeks, of each week's mean of the same
 *       slot and its neighbours. Seasonal by construction; one past incident in one of those
 *       weeks cannot move a median; unbiased on sparse counts.
 *   <li><b>Windows</b>: a Poisson CUSUM tuned to a rise to {@code shiftRatio} x baseline. It
 *       accumulates evidence, so a small service whose reports go from one to four a bucket is
 *       found as surely as a big one going from fifty to two thousand; its start is the
 *       change-point that best explains the counts before the alarm, not the later alarm.
 *   <li><b>End</b>: users keep reporting for an hour or more after service returns, so the
 *       evidence runs on well past the recovery. The end is fitted: reports are a plateau (a
 *       multiple of the baseline, free to drift from hour to hour) that decays exponentially
 *       after the end; the end and decay time that best explain the counts (Poisson likelihood)
 *       win.
 * </ol>
 * A bucket is a dense array index here; the caller maps it to time. Sequential by nature (each
 * bucket's evidence depends on the last), so it runs per series in plain Java; the series are
 * small (buckets, not reports).
 */
final class SeriesScanner {

  /**
   * One window, in bucket indices of the series' array: [start, end) impaired, [start, drainEnd)
   * anomalous. {@code firstAlarm}: where the evidence crossed the alarm threshold (what a live
   * monitor would have seen), or for a window only confirmed within an incident, the confirm one.
   */
  record Window(int start, int end, int drainEnd, int peak, int firstAlarm, long reports, double expected,
      double peakRatio, Kind baselineKind) {}

  /** How far before the evidence's start the fitted start may lie, in buckets. */
  private static final int START_SEARCH_BUCKETS = 12;

  /**
   * Decay times (minutes) tried when fitting the drain after an outage: up to an hour, so that a
   * plateau that merely sags over hours is not taken for the drain.
   */
  private static final double[] DRAIN_MINUTES = {5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 60};

  /** Neighbouring slots on each side that join the same slot of past weeks in the baseline. */
  static final int NEIGHBOURS = 2;
  /** Weeks of history a bucket needs before it can be judged at all. */
  static final int MIN_HISTORY_WEEKS = 3;
  /** One-sided 95% normal quantile: how far above its estimate the evidence puts the baseline. */
  private static final double CAUTION_Z = 1.645;
  /** Buckets each side averaged into the baseline's shape (an hour, in five-minute buckets). */
  private static final int SHAPE_SMOOTHING = 12;
  /** Added to the shape, so that a slot where nobody ever reported is not impossible. */
  private static final double SHAPE_PSEUDO_COUNT = 0.02;

  private SeriesScanner() {}

  /** How far a bucket's baseline can be trusted, weakest last; {@link #column()} names it in the outputs. */
  enum Kind {
    /** The median over {@value #MIN_HISTORY_WEEKS} or more weeks of the same slot of the week. */
    WEEKLY,
    /** One or two weeks of the same slot, with the same slot on the previous days as a third opinion. */
    FEW_WEEKS,
    /** Under a week of history: the same slot on the previous days. */
    DAILY;

    String column() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * A series' baseline, three ways. {@code expected}: the estimate users see, NaN without
   * any history. {@code cautious}: what the evidence compares against, the estimate raised
   * by its own uncertainty and floored, so that a baseline that came out low by chance (few
   * weeks, sparse counts, an unusual day) is not taken for a surge. {@code shape}: the estimate
   * smoothed over two hours (an hour each side), the time profile that a surge multiplies.
   * {@code kind}: per bucket, which estimate was used (null without one). {@code dispersion}: how
   * many times more the series' counts vary than Poisson counts would (at least 1).
   */
  record Baseline(double[] expected, double[] cautious, double[] shape, Kind[] kind, double dispersion) {}

  /** Days before a bucket whose same slot makes the short-history baseline (a week less a day). */
  static final int FALLBACK_DAYS = 6;
  /**
   * Reports a block must expect before its count says anything about the dispersion: enough for
   * a Poisson count to be near normal, so that a median of residuals measures its spread.
   */
  private static final double DISPERSION_BLOCK_REPORTS = 5;
  /** Blocks needed before the dispersion is estimated at all (fewer: Poisson is assumed). */
  private static final int DISPERSION_MIN_BLOCKS = 20;
  /** The median of z^2 for a standard normal z (0.6745 squared): what the median residual is without overdispersion. */
  private static final double MEDIAN_SQUARED_NORMAL = 0.455;

  /**
   * The baseline of every bucket. With {@value #MIN_HISTORY_WEEKS} weeks of history or more
   * (up to {@code weeks}): each week's mean of the same slot and {@value #NEIGHBOURS} neighbours
   * each side, then the median of those weekly means. One past incident among four weeks moves a
   * median by one rank at most; the weekly means keep the estimate unbiased on sparse counts,
   * where a median or trimmed mean of single buckets would sit at zero.
   *
   * <p>With less, what exists: the same slot's means on each of the previous
   * {@value #FALLBACK_DAYS} days make a daily estimate (their median from three days, else their
   * mean); with one or two weeks, the median of those weeks' means and the daily estimate (two
   * weeks and the days: a median of three, which one past incident cannot move). Days differ
   * (weekends, a busy Monday), so such an estimate is less sure: the spread of the values it was
   * made from joins its uncertainty (with a single value, the value itself: one day says little
   * about the next). No history at all: no baseline, no detection.
   *
   * <p>The dispersion is then measured on the series itself: consecutive buckets are summed into
   * blocks of at least {@code blockBuckets} (the shortest window kept: the evidence adds up over
   * such spans, and bursty counts are correlated over them) and at least
   * {@value #DISPERSION_BLOCK_REPORTS} expected reports (where a Poisson count is near enough
   * normal for a median residual to measure its spread); the dispersion is the median squared
   * Pearson residual of the blocks, scaled to normal residuals (see {@link #dispersion}): a
   * median, so that past incidents do not inflate it. It scales the Poisson error of the
   * estimate in the cautious baseline, and the evidence ({@link #windows}).
   */
  static Baseline baseline(long[] counts, int bucketsPerWeek, int weeks, double floor, int blockBuckets) {
    int bucketsPerDay = bucketsPerWeek / 7;
    double[] expected = new double[counts.length];
    double[] spread = new double[counts.length];
    int[] used = new int[counts.length];
    Kind[] kind = new Kind[counts.length];
    double[] weekly = new double[weeks];
    double[] daily = new double[FALLBACK_DAYS];
    double[] values = new double[3];
    double[] scratch = new double[Math.max(FALLBACK_DAYS, 3)];
    long[] prefix = new long[counts.length + 1]; // prefix[i]: reports before bucket i
    for (int i = 0; i < counts.length; i++) {
      prefix[i + 1] = prefix[i] + counts[i];
    }
    for (int i = 0; i < counts.length; i++) {
      int n = 0;
      int buckets = 0;
      for (int k = 1; k <= weeks; k++) {
        double mean = slotMean(prefix, i - k * bucketsPerWeek);
        if (!Double.isNaN(mean)) {
          weekly[n++] = mean;
          buckets += 2 * NEIGHBOURS + 1;
        }
      }
      used[i] = buckets;
      if (n >= MIN_HISTORY_WEEKS) {
        expected[i] = median(weekly, n);
        kind[i] = Kind.WEEKLY;
        continue;
      }
      int days = 0;
      for (int k = 1; k <= FALLBACK_DAYS; k++) {
        double mean = slotMean(prefix, i - k * bucketsPerDay);
        if (!Double.isNaN(mean)) {
          daily[days++] = mean;
        }
      }
      if (n + days == 0) {
        expected[i] = Double.NaN;
        continue;
      }
      double dayEstimate = days == 0 ? Double.NaN : days >= 3 ? medianOfCopy(daily, days, scratch) : mean(daily, days);
      double[] from;
      int m;
      if (n == 0) {
        expected[i] = dayEstimate;
        kind[i] = Kind.DAILY;
        from = daily;
        m = days;
        used[i] = days * (2 * NEIGHBOURS + 1);
      } else {
        System.arraycopy(weekly, 0, values, 0, n);
        m = n;
        if (days > 0) {
          values[m++] = dayEstimate;
        }
        expected[i] = m >= 3 ? medianOfCopy(values, m, scratch) : mean(values, m);
        kind[i] = Kind.FEW_WEEKS;
        from = values;
        used[i] = buckets;
      }
      spread[i] = m == 1 ? expected[i] : standardDeviation(from, m);
    }
    double[] estimateError = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      if (!Double.isNaN(expected[i])) {
        estimateError[i] = Math.sqrt(Math.max(expected[i], floor) / used[i]);
      }
    }
    double dispersion = dispersion(counts, expected, estimateError, blockBuckets);
    double[] cautious = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      if (Double.isNaN(expected[i])) {
        cautious[i] = Double.NaN;
        continue;
      }
      // The estimate's error: its counts' (Poisson, times the dispersion), and for a short
      // history how much the values it was made from disagree; the floor stands in for a near-zero one.
      double variance = dispersion * Math.max(expected[i], floor) / used[i] + spread[i] * spread[i];
      cautious[i] = Math.max(floor, expected[i] + CAUTION_Z * Math.sqrt(variance));
    }
    double[] shape = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      double sum = 0;
      int n = 0;
      for (int j = Math.max(0, i - SHAPE_SMOOTHING); j <= Math.min(counts.length - 1, i + SHAPE_SMOOTHING); j++) {
        if (!Double.isNaN(expected[j])) {
          sum += expected[j];
          n++;
        }
      }
      shape[i] = (n == 0 ? 0 : sum / n) + SHAPE_PSEUDO_COUNT;
    }
    return new Baseline(expected, cautious, shape, kind, dispersion);
  }

  /**
   * The mean of the slot {@code center} and its neighbours, NaN unless all lie in the series;
   * from the counts' prefix sums ({@code prefix[i]}: the reports before bucket i).
   */
  private static double slotMean(long[] prefix, int center) {
    if (center - NEIGHBOURS < 0 || center + NEIGHBOURS >= prefix.length - 1) {
      return Double.NaN;
    }
    return (prefix[center + NEIGHBOURS + 1] - prefix[center - NEIGHBOURS]) / (double) (2 * NEIGHBOURS + 1);
  }

  /**
   * How many times more than Poisson the counts vary around their baseline, at least 1: blocks of
   * consecutive buckets (at least {@code blockBuckets}, and at least
   * {@value #DISPERSION_BLOCK_REPORTS} expected reports); each block's squared Pearson residual,
   * over the variance a Poisson count would have plus the estimate's own (its Poisson error, as in
   * the cautious baseline, and the spread of a short history); their median (so that past
   * incidents, under half the blocks, do not move it) over a normal residual's
   * ({@value #MEDIAN_SQUARED_NORMAL}).
   */
  static double dispersion(long[] counts, double[] expected, double[] estimateError, int blockBuckets) {
    List<Double> residuals = new ArrayList<>();
    double reports = 0;
    double wanted = 0;
    double error = 0; // the estimate's error over the block: neighbouring slots share their data, so errors add up
    int length = 0;
    for (int i = 0; i < counts.length; i++) {
      if (Double.isNaN(expected[i])) {
        reports = 0;
        wanted = 0;
        error = 0;
        length = 0;
        continue;
      }
      reports += counts[i];
      wanted += expected[i];
      error += estimateError[i];
      length++;
      if (length >= blockBuckets && wanted >= DISPERSION_BLOCK_REPORTS) {
        residuals.add((reports - wanted) * (reports - wanted) / (wanted + error * error));
        reports = 0;
        wanted = 0;
        error = 0;
        length = 0;
      }
    }
    if (residuals.size() < DISPERSION_MIN_BLOCKS) {
      return 1;
    }
    double[] r = residuals.stream().mapToDouble(Double::doubleValue).toArray();
    return Math.max(1, median(r, r.length) / MEDIAN_SQUARED_NORMAL);
  }

  /**
   * The median of values[0, n); sorts that range. The few weekly or daily values of a baseline
   * (every bucket of every series has one) are sorted by insertion, without a library call.
   */
  private static double median(double[] values, int n) {
    if (n <= 8) {
      for (int i = 1; i < n; i++) {
        double v = values[i];
        int j = i - 1;
        for (; j >= 0 && values[j] > v; j--) {
          values[j + 1] = values[j];
        }
        values[j + 1] = v;
      }
    } else {
      Arrays.sort(values, 0, n);
    }
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }

  /** The median of values[0, n), sorted in {@code scratch}: values keep their order. */
  private static double medianOfCopy(double[] values, int n, double[] scratch) {
    System.arraycopy(values, 0, scratch, 0, n);
    return median(scratch, n);
  }

  private static double mean(double[] values, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += values[i];
    }
    return sum / n;
  }

  private static double standardDeviation(double[] values, int n) {
    double m = mean(values, n);
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += (values[i] - m) * (values[i] - m);
    }
    return Math.sqrt(sum / (n - 1));
  }

  /**
   * Finds the windows of one series. Inside {@code focus} (may be null), periods where other
   * series already showed an incident, a window needs only the lower confirm threshold: the
   * question there is no longer "is anything wrong anywhere, ever" but "was this service hit too".
   */
  static List<Window> windows(long[] counts, Baseline baseline, boolean[] focus, DetectionParams params) {
    double logRatio = Math.log(params.shiftRatio());
    double alarmThreshold = alarmThreshold(counts, baseline, params);
    // The confirm threshold keeps its ratio to the alarm's: a series whose bursts need a higher
    // alarm needs as much more to be "hit too".
    double confirmThreshold = params.confirmThreshold() * alarmThreshold / params.alarmThreshold();
    // {evidence start, first crossing, last anomalous bucket, scan end, alarm}
    List<int[]> segments = new ArrayList<>();
    double evidence = 0;
    int evidenceStart = -1;
    int firstAlarm = -1;
    int alarm = -1; // where the evidence crossed the alarm threshold, as a live monitor would have
    int best = -1;
    double bestEvidence = 0;
    for (int i = 0; i <= counts.length; i++) {
      boolean known = i < counts.length && !Double.isNaN(baseline.cautious()[i]);
      if (known) {
        double b = baseline.cautious()[i];
        double threshold = focus != null && focus[i] ? confirmThreshold : alarmThreshold;
        double step = evidenceStep(counts[i], b, logRatio, params.shiftRatio(), baseline.dispersion());
        if (evidence == 0 && step > 0) {
          evidenceStart = i; // the evidence's change-point: where it last left zero
        }
        evidence = Math.max(0, evidence + step);
        if (evidence >= threshold && firstAlarm < 0) {
          firstAlarm = i;
        }
        if (evidence >= alarmThreshold && alarm < 0) {
          alarm = i;
        }
        if (firstAlarm >= 0 && evidence > bestEvidence) {
          bestEvidence = evidence;
          best = i;
        }
      }
      if (!known || evidence == 0) {
        if (firstAlarm >= 0) {
          segments.add(new int[] {evidenceStart, firstAlarm, best, i, alarm >= 0 ? alarm : firstAlarm});
        }
        evidence = 0;
        firstAlarm = -1;
        alarm = -1;
        bestEvidence = 0;
      }
    }
    List<int[]> merged = mergeCloseSegments(segments, Math.max(0, params.mergeGapMinutes() / params.bucketMinutes()));
    List<Window> windows = new ArrayList<>();
    int minBuckets = params.minDurationBuckets();
    for (int[] s : merged) {
      int drainEnd = s[2] + 1;
      int end = fitEnd(counts, baseline, s[0], drainEnd, s[3], params.bucketMinutes());
      // The lift the start is judged by: that of the first hour.
      double startLift = lift(counts, baseline.shape(), s[0], Math.min(end, s[0] + 60 / params.bucketMinutes()));
      int start = fitStart(counts, baseline, startLift, s[0], s[1]);
      Window window = describe(counts, baseline, start, end, drainEnd, s[4]);
      // Duration counts the drain: a false-alarm blip stops dead, an outage's reports trail off.
      // A blip is a few times normal: a window at least MAJOR_RATIO times it needs no length.
      boolean longEnough = drainEnd - start >= minBuckets || window.peakRatio() >= OutageWindow.MAJOR_RATIO;
      if (longEnough && window.reports() - window.expected() >= params.minExcessReports()) {
        windows.add(window);
      }
    }
    return windows;
  }

  /**
   * One bucket's evidence: the log-likelihood ratio of its count under "shiftRatio x baseline"
   * against "baseline", divided by the dispersion (quasi-likelihood: counts that vary phi times
   * more than Poisson ones carry 1/phi of the evidence).
   */
  private static double evidenceStep(long count, double baseline, double logRatio, double shiftRatio, double dispersion) {
    return (count * logRatio - (shiftRatio - 1) * baseline) / dispersion;
  }

  /** Tail fits a calibrated threshold is the median of: above the levels excursions exceed this often a week. */
  private static final double[] TAIL_FIT_RATES_PER_WEEK = {2, 4, 8};
  /**
   * Crossings of {@code --alarm-threshold} a series' history needs before its threshold is
   * raised at all: the outage being analysed is one, a past incident another; a third in a short
   * history says the series bursts.
   */
  private static final int MIN_CROSSINGS = 3;
  /** Excursions above its level a tail fit needs (fewer: that fit is not made). */
  private static final int TAIL_FIT_MIN_EXCURSIONS = 8;

  /**
   * The alarm threshold of one series: {@code --alarm-threshold}, or higher where the series' own
   * history shows that ordinary bursts would cross it more often than once per
   * {@code --false-alarm-weeks}. Real report streams burst (a news story, a viral post): their
   * evidence runs up in excursions whose sizes have a heavy tail, which no single dispersion
   * factor captures. So the tail is measured: the evidence is run over the whole series (without
   * thresholds, so every excursion from zero and back counts), each excursion's maximum is kept,
   * and a generalized Pareto tail is fitted to the maxima above the level that
   * {@link #TAIL_FIT_RATES_PER_WEEK} excursions a week exceed (Pickands' estimator: from the
   * quartiles of the excesses, which the few largest, past incidents among them, do not move).
   * The threshold is where the fitted tail is crossed once per {@code --false-alarm-weeks}; with
   * several fits, the median, since a fit to a few weeks' bursts is noisy. Only a series whose
   * history crossed {@code --alarm-threshold} more often than that, and at least
   * {@value #MIN_CROSSINGS} times, is refitted: on Poisson counts, and with too little history
   * to tell, the threshold stays {@code --alarm-threshold}.
   */
  static double alarmThreshold(long[] counts, Baseline baseline, DetectionParams params) {
    if (params.falseAlarmWeeks() <= 0) {
      return params.alarmThreshold();
    }
    double logRatio = Math.log(params.shiftRatio());
    List<Double> maxima = new ArrayList<>();
    double evidence = 0;
    double excursionMax = 0;
    int known = 0;
    for (int i = 0; i <= counts.length; i++) {
      boolean isKnown = i < counts.length && !Double.isNaN(baseline.cautious()[i]);
      if (isKnown) {
        known++;
        evidence = Math.max(0, evidence + evidenceStep(counts[i], baseline.cautious()[i], logRatio,
            params.shiftRatio(), baseline.dispersion()));
        excursionMax = Math.max(excursionMax, evidence);
      }
      if ((!isKnown || evidence == 0) && excursionMax > 0) {
        maxima.add(excursionMax);
        excursionMax = 0;
        evidence = 0;
      }
    }
    double weeks = known / (double) params.bucketsPerWeek();
    double[] sorted = maxima.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (sorted.length < TAIL_FIT_MIN_EXCURSIONS) {
      return params.alarmThreshold();
    }
    double wantedRate = 1 / params.falseAlarmWeeks();
    long crossings = Arrays.stream(sorted).filter(m -> m >= params.alarmThreshold()).count();
    if (crossings < MIN_CROSSINGS || crossings <= wantedRate * weeks) {
      return params.alarmThreshold(); // the default threshold is crossed no more often than wanted
    }
    double[] fitted = new double[TAIL_FIT_RATES_PER_WEEK.length];
    int fits = 0;
    for (double rate : TAIL_FIT_RATES_PER_WEEK) {
      double level = quantile(sorted, 1 - rate * weeks / sorted.length);
      double[] excesses = Arrays.stream(sorted).filter(m -> m > level).map(m -> m - level).toArray();
      if (excesses.length < TAIL_FIT_MIN_EXCURSIONS) {
        continue;
      }
      double q1 = quantile(excesses, 0.5);
      double q2 = quantile(excesses, 0.75);
      double q3 = quantile(excesses, 0.875);
      if (!(q2 > q1 && q3 > q2)) {
        continue; // ties: no tail to speak of
      }
      // Pickands: for a generalized Pareto tail, the quantiles at 1/2, 1/4 and 1/8 of the excesses
      // are spaced by a factor 2^shape.
      double shape = Math.log((q3 - q2) / (q2 - q1)) / Math.log(2);
      double ratio = excesses.length / weeks / wantedRate; // how much rarer the threshold's crossings must be
      double threshold;
      if (Math.abs(shape) < 1e-6) {
        threshold = level + q1 / Math.log(2) * Math.log(ratio); // exponential tail
      } else {
        double scale = shape * q1 / (Math.pow(2, shape) - 1);
        threshold = level + scale / shape * (Math.pow(ratio, shape) - 1);
      }
      fitted[fits++] = threshold;
    }
    if (fits == 0) {
      return params.alarmThreshold();
    }
    return Math.max(params.alarmThreshold(), median(fitted, fits));
  }

  /** The p-quantile of sorted values, interpolated linearly; p is clamped to [0, 1]. */
  private static double quantile(double[] sorted, double p) {
    double position = Math.max(0, Math.min(1, p)) * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(sorted.length - 1, below + 1);
    return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
  }

  private static List<int[]> mergeCloseSegments(List<int[]> segments, int gap) {
    List<int[]> merged = new ArrayList<>();
    for (int[] s : segments) {
      int[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (last != null && s[0] - (last[2] + 1) <= gap) {
        merged.set(merged.size() - 1, new int[] {last[0], last[1], s[2], s[3], Math.min(last[4], s[4])});
      } else {
        merged.add(s);
      }
    }
    return merged;
  }

  /**
   * The end of the impaired period within [start, scanEnd), by maximum likelihood over that
   * whole range: before the end, reports are a plateau, a multiple of the baseline that may
   * differ from hour to hour (over hours the lift drifts: across regions, the mix of who is
   * awake changes); from the end on, the last hour's lift decays exponentially. Every
   * candidate end and decay time is tried; the one that explains the counts best (Poisson
   * likelihood) wins. Never after the last anomalous bucket.
   */
  private static int fitEnd(long[] counts, Baseline baseline, int start, int drainEnd, int scanEnd,
      int bucketMinutes) {
    double[] b = baseline.shape();
    int hour = Math.max(1, 60 / bucketMinutes);
    int n = scanEnd - start;
    // Prefix sums over [start, scanEnd) of counts, baseline and counts x log(baseline).
    double[] c = new double[n + 1];
    double[] e = new double[n + 1];
    double[] cLogE = new double[n + 1];
    for (int i = 0; i < n; i++) {
      c[i + 1] = c[i] + counts[start + i];
      e[i + 1] = e[i] + b[start + i];
      cLogE[i + 1] = cLogE[i] + counts[start + i] * Math.log(b[start + i]);
    }
    int bestEnd = drainEnd;
    double bestLikelihood = Double.NEGATIVE_INFINITY;
    double blockPenalty = 0.5 * Math.log(n);
    double completeBlocks = 0; // likelihood of the whole hours before the current candidate's hour
    for (int end = 1; end <= drainEnd - start; end++) {
      int blockStart = (end - 1) / hour * hour;
      if (end - 1 == blockStart && blockStart > 0) {
        completeBlocks += plateauLikelihood(c, e, cLogE, blockStart - hour, blockStart);
      }
      // Each hour's lift is a parameter: a later end buys more of them, so each one is charged
      // for (Bayesian information criterion), or the hours would soak up the drain.
      double plateau = completeBlocks + plateauLikelihood(c, e, cLogE, blockStart, end)
          - blockPenalty * (blockStart / hour + 1);
      int lastHour = Math.max(0, end - hour);
      double lift = Math.max(0, (c[end] - c[lastHour]) / (e[end] - e[lastHour]) - 1);
      for (double drainMinutes : DRAIN_MINUTES) {
        double likelihood = plateau;
        for (int i = end; i < n; i++) {
          double decay = Math.exp(-((i - end + 0.5) * bucketMinutes) / drainMinutes);
          likelihood += poissonLogLikelihood(counts[start + i], b[start + i] * (1 + lift * decay));
        }
        if (likelihood > bestLikelihood) {
          bestLikelihood = likelihood;
          bestEnd = start + end;
        }
      }
    }
    return bestEnd;
  }

  /**
   * Poisson log-likelihood of the counts of [from, to) (offsets into the prefix sums) under
   * their maximum-likelihood lift over the baseline: sum of c log(b (1 + lift)) - b (1 + lift).
   */
  private static double plateauLikelihood(double[] c, double[] e, double[] cLogE, int from, int to) {
    double reports = c[to] - c[from];
    double expected = e[to] - e[from];
    double rise = Math.max(1, reports / expected);
    return cLogE[to] - cLogE[from] + reports * Math.log(rise) - expected * rise;
  }

  /** The lift over the baseline that best explains the counts of [from, to), by maximum likelihood. */
  private static double lift(long[] counts, double[] shape, int from, int to) {
    double reports = 0;
    double expected = 0;
    for (int i = from; i < to; i++) {
      reports += counts[i];
      expected += shape[i];
    }
    return expected == 0 ? 0 : Math.max(0, reports / expected - 1);
  }

  /**
   * The start of the impaired period: the change-point that best explains the counts up to the
   * alarm, given the plateau's lift. The evidence's own start can be a few buckets off on a sparse
   * series (it is tuned for a fixed rise and a floored baseline); this uses the fitted rise.
   */
  private static int fitStart(long[] counts, Baseline baseline, double lift, int evidenceStart, int firstAlarm) {
    if (lift <= 0) {
      return evidenceStart;
    }
    double logRise = Math.log1p(lift);
    int best = evidenceStart;
    double bestGain = Double.NEGATIVE_INFINITY;
    double gain = 0;
    // Walk back from the alarm: the gain of starting at i is the surge's log-likelihood ratio over [i, alarm].
    for (int i = firstAlarm; i >= Math.max(0, evidenceStart - START_SEARCH_BUCKETS); i--) {
      gain += counts[i] * logRise - baseline.shape()[i] * lift;
      if (gain > bestGain) {
        bestGain = gain;
        best = i;
      }
    }
    return best;
  }

  /** log P(k | rate) without the log k! term, which is the same for every model of the same counts. */
  private static double poissonLogLikelihood(long k, double rate) {
    return k * Math.log(rate) - rate;
  }

  private static Window describe(long[] counts, Baseline baseline, int start, int end, int drainEnd, int firstAlarm) {
    long reports = 0;
    double expected = 0;
    int peak = start;
    double peakSmoothed = -1;
    double peakRatio = 0;
    Kind kind = null; // the least sure baseline the window was judged by
    for (int i = start; i < drainEnd; i++) {
      reports += counts[i];
      if (baseline.kind()[i] != null && (kind == null || baseline.kind()[i].compareTo(kind) > 0)) {
        kind = baseline.kind()[i];
      }
      double b = Double.isNaN(baseline.expected()[i]) ? 0 : baseline.expected()[i];
      expected += b;
      // Peak on a three-bucket mean, so one noisy bucket does not make the peak.
      double smoothed = (counts[Math.max(i - 1, start)] + counts[i] + counts[Math.min(i + 1, drainEnd - 1)]) / 3.0;
      if (smoothed > peakSmoothed) {
        peakSmoothed = smoothed;
        peak = i;
      }
      if (!Double.isNaN(baseline.cautious()[i])) {
        peakRatio = Math.max(peakRatio, smoothed / baseline.cautious()[i]);
      }
    }
    return new Window(start, end, drainEnd, peak, firstAlarm, reports, expected, peakRatio, kind);
  }
}
