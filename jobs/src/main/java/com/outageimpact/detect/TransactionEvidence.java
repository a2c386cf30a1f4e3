package com.outageimpact.detect;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;

import com.outageimpact.common.StageTimer;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * In the full run, what the transactions say of each window's start and end. Reports lag the
 * start by the minutes users take to notice, are sparse for small services, and drain for an hour
 * or more after service returns, hiding a degraded tail after a down state. Failed attempts
 * ({@code failed}, {@code timeout}) do neither: they happen while the service fails and stop when
 * it is back. See docs/detection.md, step 6.
 *
 * <p>Per window, the failed attempts of its service (in its region: the business's region; across
 * regions for {@code ALL}) are counted per bucket from an hour before the incident to three hours
 * after it, beside all attempts. The span of buckets whose failures best stand out from the
 * service's normal failure rate (from the baseline weeks before) is found by Poisson likelihood;
 * when its evidence reaches the alarm threshold, the span is stretched over the failures just
 * before or after it that stand out on their own at the confirm threshold (a degraded tail after a
 * down state fails at a fraction of the down rate, which one rate for the whole span would leave
 * out), and the window starts no later than the span's first bucket and ends no earlier than its
 * last. Never the other way: the last failure comes a little before the service is back, and a
 * sparse service's first failure a little after it broke, so each bounds the truth from one side.
 * Whole buckets keep windows on the bucket grid that the reports' windows and the timeline share.
 * The reports' own start and end are kept ({@link OutageWindow#reportStart()},
 * {@link OutageWindow#reportEnd()}): the end the reports show is the end of a down state, which
 * downtime needs.
 *
 * <p>Each window also gets what its service's attempts did over it ({@link OutageWindow.Completion}):
 * the cascade tells a down service (it completes almost none) from a degraded one by it.
 *
 * <p>The same spans widen the incident's {@link Footprint}: a region where the failures of one of
 * its services stand out was hit, whether or not its users reported it.
 */
public final class TransactionEvidence {

  /** A span needs at least this many failed attempts to say anything. */
  static final int MIN_FAILURES = 3;

  /** A stretch beside a span needs at least this many: one failure is an anecdote, two a rate. */
  static final int MIN_EXTENSION_FAILURES = 2;

  private TransactionEvidence() {}

  /**
   * @param transactions accepted transactions: business_id, service, occurred_at, status
   * @param businesses accepted businesses: business_id, region
   */
  public static List<DetectedIncident> refine(Dataset<Row> transactions, Dataset<Row> businesses,
      List<DetectedIncident> incidents, DetectionParams params, StageTimer timer) {
    try (StageTimer.Stage stage = timer.start("detect.transactions")) {
      List<DetectedIncident> refined = new ArrayList<>();
      int moved = 0;
      int widened = 0;
      // The businesses' regions are the data's too: a region whose users filed no report can still be hit.
      List<String> businessRegions = businesses.select("region").distinct().as(Encoders.STRING()).collectAsList();
      for (DetectedIncident incident : incidents) {
        Instant from = incident.start().minus(Detection.FOCUS_BEFORE);
        Instant to = incident.end().plus(AnalysisWindow.TIMELINE_AFTER);
        Series series = counts(transactions, businesses, from, to, params);
        List<OutageWindow> windows = new ArrayList<>();
        for (OutageWindow w : incident.windows()) {
          Span span = series.span(w.service(), w.region(), params);
          OutageWindow r = span == null ? w : w.withTransactions(span.start(), span.end());
          moved += r.start().equals(w.start()) && r.end().equals(w.end()) ? 0 : 1;
          windows.add(r);
        }
        Footprint footprint = incident.footprint().withKnown(businessRegions)
            .withFailed(series.regionsStandingOut(
                windows.stream().map(OutageWindow::service).collect(Collectors.toSet()), params));
        widened += footprint.regions().size() - incident.footprint().regions().size();
        // Across regions, only the regions hit: elsewhere the service worked, which says nothing of
        // whether it was down or degraded where it failed.
        Set<String> hit = footprint.global() ? Set.of(ReportSeries.ALL_REGIONS) : footprint.regions();
        refined.add(incident.with(windows.stream().map(w -> w.withCompletion(series.completion(w.service(),
            w.acrossRegions() ? hit : Set.of(w.region()), w.start(), w.end()))).toList(), footprint));
      }
      stage.count("windows", incidents.stream().mapToInt(i -> i.windows().size()).sum()).count("moved", moved)
          .count("regions added", widened);
      return refined;
    }
  }

  /** Where one series' failures stand out: from the start of its first bucket to the end of its last. */
  record Span(Instant start, Instant end, long failures, double evidence) {}

  /**
   * Per service and region, the attempts and failures per bucket over [from, to) (bucket -1: the
   * baseline weeks before, summed). Small: services x regions x the incident's buckets.
   */
  static Series counts(Dataset<Row> transactions, Dataset<Row> businesses, Instant from, Instant to,
      DetectionParams params) {
    long bucket = params.bucketSeconds();
    long first = from.getEpochSecond() / bucket;
    Instant baselineFrom = from.minus(Duration.ofDays(7L * params.baselineWeeks()));
    Column t = unix_seconds(col("occurred_at"));
    Column failed = col("status").isin("failed", "timeout");
    List<Row> rows = transactions
        .filter(col("occurred_at").geq(lit(Timestamp.from(baselineFrom))))
        .filter(col("occurred_at").lt(lit(Timestamp.from(to))))
        .filter(col("service").isNotNull())
        .join(broadcast(businesses.select("business_id", "region")), "business_id")
        .groupBy(col("service"), col("region"),
            when(t.lt(from.getEpochSecond()), lit(-1L)).otherwise(floor(t.divide(bucket)).minus(first)).as("bucket"))
        .agg(count(lit(1)).as("attempts"), count(when(failed, lit(1))).as("failures"))
        .collectAsList();
    int buckets = (int) ((to.getEpochSecond() + bucket - 1) / bucket - first);
    Series series = new Series(buckets, first * bucket, bucket);
    for (Row r : rows) {
      series.add(r.getString(0), r.getString(1), (int) r.getLong(2), r.getLong(3), r.getLong(4));
    }
    return series;
  }

  /** The counts of every service per region, and across regions. */
  static final class Series {
    private final int buckets;
    private final long origin;
    private final long bucketSeconds;
    private final Map<String, Counts> byKey = new HashMap<>();

    /** {@code buckets} buckets of {@code bucketSeconds} from {@code origin} (epoch seconds). */
    Series(int buckets, long origin, long bucketSeconds) {
      this.buckets = buckets;
      this.origin = origin;
      this.bucketSeconds = bucketSeconds;
    }

    void add(String service, String region, int bucket, long attempts, long failures) {
      for (String key : List.of(service + "/" + region, service + "/" + ReportSeries.ALL_REGIONS)) {
        Counts c = byKey.computeIfAbsent(key, k -> new Counts(buckets));
        if (bucket < 0) {
          c.baselineAttempts += attempts;
          c.baselineFailures += failures;
        } else if (bucket < buckets) {
          c.attempts[bucket] += attempts;
          c.failures[bucket] += failures;
        }
      }
    }

    /**
     * The regions where a failure span of one of {@code services} stands out: they were hit,
     * whether or not their users reported it.
     */
    Set<String> regionsStandingOut(Set<String> services, DetectionParams params) {
      Set<String> regions = new TreeSet<>();
      for (String key : byKey.keySet()) {
        int slash = key.lastIndexOf('/');
        String service = key.substring(0, slash);
        String region = key.substring(slash + 1);
        if (services.contains(service) && !ReportSeries.ALL_REGIONS.equals(region) && !regions.contains(region)
            && span(service, region, params) != null) {
          regions.add(region);
        }
      }
      return regions;
    }

    /**
     * A service's attempts in {@code regions} (or across regions: {@link ReportSeries#ALL_REGIONS}),
     * and how many completed, over the buckets that [start, end) touches.
     */
    OutageWindow.Completion completion(String service, Set<String> regions, Instant start, Instant end) {
      int from = (int) Math.max(0, (start.getEpochSecond() - origin) / bucketSeconds);
      int to = (int) Math.min(buckets, (end.getEpochSecond() - origin + bucketSeconds - 1) / bucketSeconds);
      long attempts = 0;
      long failures = 0;
      for (String region : regions) {
        Counts c = byKey.get(service + "/" + region);
        for (int i = from; c != null && i < to; i++) {
          attempts += c.attempts[i];
          failures += c.failures[i];
        }
      }
      return new OutageWindow.Completion(attempts, attempts - failures);
    }

    /** The span of one series' failures, or null when they do not stand out (or there are none). */
    Span span(String service, String region, DetectionParams params) {
      Counts c = byKey.get(service + "/" + region);
      Counts.Found found = c == null ? null : c.span(params);
      return found == null ? null : new Span(Instant.ofEpochSecond(origin + found.from() * bucketSeconds),
          Instant.ofEpochSecond(origin + found.to() * bucketSeconds), found.failures(), found.evidence());
    }
  }

  static final class Counts {
    /** Buckets [from, to), their failures and the evidence they give. */
    record Found(int from, int to, long failures, double evidence) {}

    final long[] attempts;
    final long[] failures;
    long baselineAttempts;
    long baselineFailures;

    Counts(int buckets) {
      attempts = new long[buckets];
      failures = new long[buckets];
    }

    /**
     * The span [a, b) of buckets (with its failure count) that maximises the log-likelihood ratio
     * of "failures at their own rate per attempt inside, the normal rate outside" against "the
     * normal rate throughout": C ln(C / (N f)) - C + N f for C failures in N attempts, f the
     * normal rate. With no failure in the baseline weeks, f counts one (a rate that small is not
     * zero, but not known better). Null when no span of 3 or more failures reaches the alarm
     * threshold; otherwise that span, stretched by {@link #extend}.
     */
    Found span(DetectionParams params) {
      if (baselineAttempts == 0) {
        return null;
      }
      int n = attempts.length;
      long[] cumFailures = cumulative(failures);
      long[] cumAttempts = cumulative(attempts);
      double normal = Math.max(baselineFailures, 1) / (double) baselineAttempts;
      Found best = null;
      // A best span starts and ends on a bucket with failures: only those are tried.
      for (int a = 0; a < n; a++) {
        for (int b = a + 1; b <= n && failures[a] > 0; b++) {
          long f = cumFailures[b] - cumFailures[a];
          if (failures[b - 1] > 0 && f >= MIN_FAILURES) {
            double evidence = score(f, cumAttempts[b] - cumAttempts[a], normal);
            if (best == null || evidence > best.evidence()) {
              best = new Found(a, b, f, evidence);
            }
          }
        }
      }
      if (best == null || best.evidence() < params.alarmThreshold()) {
        return null;
      }
      int maxQuiet = params.mergeGapMinutes() / params.bucketMinutes();
      return extend(best, normal, params.confirmThreshold(), maxQuiet, cumFailures);
    }

    /**
     * The span stretched, a stretch at a time, over the failures after and then before it whose
     * own rate (over the stretch from the span's edge to them, the quiet buckets between
     * included) stands out from the normal rate with {@code threshold} evidence. The best span's
     * one rate is the down state's; a degraded tail fails at a fraction of it and lowers the rate
     * of any span that includes it, so it is left out of the best span although it still stands
     * out from normal. A stretch crosses no more than {@code maxQuiet} buckets without failures
     * (the merge gap of the reports' windows), and its quiet buckets count against it, so stray
     * failures long after the outage do not reach it.
     */
    private Found extend(Found span, double normal, double threshold, int maxQuiet, long[] cumFailures) {
      int from = span.from();
      int to = span.to();
      int next;
      while ((next = bestStretch(to, attempts.length, normal, threshold, maxQuiet)) >= 0) {
        to = next;
      }
      while ((next = bestStretch(from, -1, normal, threshold, maxQuiet)) >= 0) {
        from = next;
      }
      return new Found(from, to, cumFailures[to] - cumFailures[from], span.evidence());
    }

    /**
     * From edge {@code edge} of a span towards {@code limit} (exclusive; after the span when
     * greater), the far edge of the stretch with the most evidence, or -1 when none reaches
     * {@code threshold} with at least {@link #MIN_EXTENSION_FAILURES} failures. A stretch ends on
     * a bucket with failures.
     */
    private int bestStretch(int edge, int limit, double normal, double threshold, int maxQuiet) {
      int best = -1;
      double bestEvidence = threshold;
      long f = 0;
      long m = 0;
      int quiet = 0;
      int step = limit > edge ? 1 : -1;
      // After the span, buckets edge, edge+1, ...; before it, edge-1, edge-2, ...
      for (int i = step > 0 ? edge : edge - 1; i != limit; i += step) {
        quiet = failures[i] > 0 ? 0 : quiet + 1;
        if (quiet > maxQuiet) {
          break;
        }
        f += failures[i];
        m += attempts[i];
        if (failures[i] > 0 && f >= MIN_EXTENSION_FAILURES) {
          double evidence = score(f, m, normal);
          if (evidence >= bestEvidence) {
            bestEvidence = evidence;
            best = step > 0 ? i + 1 : i;
          }
        }
      }
      return best;
    }

    private static double score(long f, long m, double normal) {
      double expected = Math.max(m, f) * normal;
      return f == 0 ? 0 : f * Math.log(f / expected) - f + expected;
    }

    private static long[] cumulative(long[] values) {
      long[] sums = new long[values.length + 1];
      for (int i = 0; i < values.length; i++) {
        sums[i + 1] = sums[i] + values[i];
      }
      return sums;
    }
  }
}
