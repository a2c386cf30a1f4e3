package com.outageimpact.detect;

import com.outageimpact.Published;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Issue 3's bounds on a full run's {@code outage_windows}, where failed transactions refine the
 * reports' windows: for every impaired user-facing service, its across-regions window starts
 * within 10 minutes of the true impact start and ends within 30 of the true recovery, degraded
 * tails included; the transactions only ever widen what the reports showed.
 *
 * <p>One allowance, from the ground truth rather than the estimate: a service whose attempts fail
 * at a true rate of λ a minute over its impairment shows its first failure about 1/λ after it
 * broke and its last about 1/λ before it came back (exponential gaps). Where 3/λ (the 95th
 * percentile of that gap) exceeds a bound, no estimate from those failures could promise the
 * bound, so it is widened to 3/λ. Busy services fail several times a minute and keep the bounds;
 * a sparse, degraded one (helpdesk at 30% loss, a few attempts in 5 minutes) gets 20 to 70. A
 * service with no failed attempt at all over its impairment has nothing to place its ends by: it
 * must still have a window, but its ends are not bounded (no scenario in the tests has one).
 */
public final class RunWindows {

  public static final double START_TOLERANCE_MINUTES = 10;
  public static final double END_TOLERANCE_MINUTES = 30;

  private RunWindows() {}

  /**
   * What is wrong with the run's windows (in {@code out}) against the truth and the generated
   * transactions (in {@code data}): empty when every bound holds. Prints each service's errors.
   */
  public static List<String> problems(SparkSession spark, Path data, Path out, JsonNode truth) {
    Map<String, Row> windows = new HashMap<>();
    for (Row w : spark.read().parquet(Published.table(out, "outage_windows"))
        .filter(functions.col("region").equalTo(ReportSeries.ALL_REGIONS)).collectAsList()) {
      windows.put(w.getAs("service"), w);
    }
    List<Row> failures = failedAttempts(spark, data);
    List<String> problems = new ArrayList<>();
    for (JsonNode c : truth.get("components")) {
      if (!"service".equals(c.get("kind").asText()) || "up".equals(c.get("state").asText())) {
        continue;
      }
      String service = c.get("id").asText();
      Row w = windows.get(service);
      if (w == null) {
        problems.add("no window for " + service + " (" + c.get("state").asText() + ")");
        continue;
      }
      Instant trueStart = Instant.parse(c.get("impact_start").asText());
      Instant trueEnd = Instant.parse(c.get("impact_end").asText());
      double perMinute = failuresPerMinute(failures, service, trueStart, trueEnd);
      double allowance = perMinute > 0 ? 3 / perMinute : Double.POSITIVE_INFINITY;
      double startTolerance = Math.max(START_TOLERANCE_MINUTES, allowance);
      double endTolerance = Math.max(END_TOLERANCE_MINUTES, allowance);
      double startError = minutes(trueStart, w.getAs("start"));
      double endError = minutes(trueEnd, w.getAs("end"));
      String errors = String.format(
          "%s (%s, %.2f failures a minute): start %+.1f min (bound %.0f), end %+.1f min (bound %.0f);"
              + " reports alone %+.1f, %+.1f",
          service, c.get("state").asText(), perMinute, startError, startTolerance, endError, endTolerance,
          minutes(trueStart, w.getAs("report_start")), minutes(trueEnd, w.getAs("report_end")));
      System.out.println("  " + errors);
      if (Math.abs(startError) > startTolerance || Math.abs(endError) > endTolerance) {
        problems.add(errors);
      }
      if (w.<Timestamp>getAs("report_start").before(w.getAs("start"))
          || w.<Timestamp>getAs("report_end").after(w.getAs("end"))) {
        problems.add(service + ": the transactions narrowed the reports' window " + w);
      }
    }
    return problems;
  }

  /**
   * The generated failed and timed-out attempts (service, occurred_at as written, txn_id): a few
   * thousand rows, read once for all services.
   */
  static List<Row> failedAttempts(SparkSession spark, Path data) {
    return spark.read().option("header", true).csv(data.resolve("transactions").toString())
        .filter(functions.col("status").isin("failed", "timeout"))
        .select("service", "occurred_at", "txn_id")
        .collectAsList();
  }

  /**
   * The failed and timed-out attempts through {@code service} a minute over [from, to), each
   * {@code txn_id} once (the timestamps compared as written, ISO-8601 UTC text).
   */
  static double failuresPerMinute(List<Row> failures, String service, Instant from, Instant to) {
    String start = from.toString();
    String end = to.toString();
    long count = failures.stream()
        .filter(r -> service.equals(r.getString(0)) && r.getString(1) != null
            && r.getString(1).compareTo(start) >= 0 && r.getString(1).compareTo(end) < 0)
        .map(r -> r.getString(2))
        .distinct()
        .count();
    return count / ((to.getEpochSecond() - from.getEpochSecond()) / 60.0);
  }

  private static double minutes(Instant truth, Timestamp detected) {
    return (detected.toInstant().getEpochSecond() - truth.getEpochSecond()) / 60.0;
  }
}
