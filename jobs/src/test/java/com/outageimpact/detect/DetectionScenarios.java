package com.outageimpact.detect;

import com.outageimpact.Published;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.outageimpact.DetectJob;
import com.outageimpact.RunJob;
import com.outageimpact.SparkTestSession;
import com.outageimpact.generate.GenerateJob;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Generates a scenario with its truth and runs detection on it; then scores what was found
 * against what really happened, per impaired user-facing service (across regions).
 */
final class DetectionScenarios {

  /**
   * One service's truth and what detection said of it. {@code downEnd}: when the service was
   * down and then degraded until {@code trueEnd}, the end of the down state. Reports cannot
   * always see such a tail: they drain from tens of times normal after the down state ends,
   * and a degraded service draws only a few times normal, so the drain hides the tail unless it
   * outlasts it. There, the end reports can show is where they start to fall away: the down end.
   */
  record ServiceOutcome(String service, String state, Instant trueStart, Instant trueEnd, Instant downEnd,
      OutageWindow detected) {
    /** Where the reports alone put the start (in {@code detect}, the window's start). */
    double startErrorMinutes() {
      return minutes(trueStart, detected.reportStart());
    }

    /** Where the reports alone put the end, against the true recovery. */
    double endErrorMinutes() {
      return minutes(trueEnd, detected.reportEnd());
    }

    /**
     * Where the reports alone put the end, against the true recovery, or the end of the down
     * state before a degraded tail, whichever is nearer.
     */
    double visibleEndErrorMinutes() {
      double error = endErrorMinutes();
      if (downEnd != null && Math.abs(minutes(downEnd, detected.reportEnd())) < Math.abs(error)) {
        return minutes(downEnd, detected.reportEnd());
      }
      return error;
    }

    /**
     * Whether the service's reports are sparse: under one report per bucket normally over its
     * window. There a surge of a few times normal is a few reports a bucket, and where it starts
     * and ends is only known to the nearest few buckets that happen to hold reports.
     */
    boolean sparse() {
      double buckets = (detected.drainEnd().getEpochSecond() - detected.reportStart().getEpochSecond()) / 300.0;
      return detected.expectedReports() < buckets;
    }

    private static double minutes(Instant from, Instant to) {
      return (to.getEpochSecond() - from.getEpochSecond()) / 60.0;
    }
  }

  /** A scenario's result: impaired services matched to windows, and windows that matched nothing. */
  record Outcome(JsonNode truth, List<DetectedIncident> incidents, List<ServiceOutcome> impaired,
      List<OutageWindow> falseWindows) {}

  private DetectionScenarios() {}

  static Outcome run(Path dir, String... generateArgs) throws Exception {
    List<String> args = new ArrayList<>(List.of("--out", dir.resolve("data").toString(), "--businesses", "30",
        "--transactions", "3000", "--bad-rows", "1"));
    args.addAll(List.of(generateArgs));
    GenerateJob.run(SparkTestSession.get(), GenerateJob.options().parse(args.toArray(String[]::new)));
    return detectOnly(dir);
  }

  /**
   * Generates a scenario with transactions dense enough for their failures to place each
   * service's outage, and runs the full job on it; the outcome is read from its
   * {@code outage_windows}, where each window keeps the reports' own start and end beside the
   * refined ones.
   */
  static Outcome fullRun(Path dir, String... generateArgs) throws Exception {
    List<String> args = new ArrayList<>(List.of("--out", dir.resolve("data").toString(), "--businesses", "250",
        "--transactions", "400000", "--bad-rows", "1"));
    args.addAll(List.of(generateArgs));
    SparkSession spark = SparkTestSession.get();
    GenerateJob.run(spark, GenerateJob.options().parse(args.toArray(String[]::new)));
    RunJob.run(spark, RunJob.options().parse(new String[] {
        "--data", dir.resolve("data").toString(), "--out", dir.resolve("out").toString()}));
    Map<String, List<OutageWindow>> byIncident = new TreeMap<>();
    for (Row r : spark.read().parquet(Published.table(dir.resolve("out"), "outage_windows")).collectAsList()) {
      byIncident.computeIfAbsent(r.getAs("incident_id"), k -> new ArrayList<>()).add(new OutageWindow(
          r.getAs("service"), r.getAs("region"), instant(r, "start"), instant(r, "peak_at"), instant(r, "end"),
          instant(r, "drain_end"), null, r.<Long>getAs("reports"), r.<Double>getAs("expected_reports"),
          r.<Double>getAs("peak_ratio"), instant(r, "report_start"), instant(r, "report_end")));
    }
    List<DetectedIncident> incidents = new ArrayList<>();
    // The footprint as the windows show it; the published one (transactions widen it) is in incident_summary.
    byIncident.forEach((id, windows) -> incidents.add(new DetectedIncident(id, windows, null,
        new Footprint(new TreeSet<>(windows.stream().map(OutageWindow::region).toList()), null, null))));
    JsonNode truth = new ObjectMapper().readTree(dir.resolve("data/truth/truth.json").toFile());
    return score(truth, incidents);
  }

  private static Instant instant(Row r, String column) {
    return r.<Timestamp>getAs(column).toInstant();
  }

  /** Runs detection on a scenario generated before into {@code dir/data}. */
  static Outcome detectOnly(Path dir) throws Exception {
    JsonNode truth = new ObjectMapper().readTree(dir.resolve("data/truth/truth.json").toFile());
    List<DetectedIncident> incidents = DetectJob.run(SparkTestSession.get(), DetectJob.options().parse(new String[] {
        "--data", dir.resolve("data").toString(), "--out", dir.resolve("out").toString()}));
    return score(truth, incidents);
  }

  static Outcome score(JsonNode truth, List<DetectedIncident> incidents) {
    Map<String, OutageWindow> acrossRegions = new LinkedHashMap<>();
    List<OutageWindow> all = new ArrayList<>();
    for (DetectedIncident incident : incidents) {
      for (OutageWindow w : incident.windows()) {
        all.add(w);
        if (w.acrossRegions()) {
          acrossRegions.merge(w.service(), w, (a, b) -> a.reports() >= b.reports() ? a : b);
        }
      }
    }
    List<ServiceOutcome> impaired = new ArrayList<>();
    List<String> impairedIds = new ArrayList<>();
    for (JsonNode c : truth.get("components")) {
      if (c.get("kind").asText().equals("service") && !c.get("state").asText().equals("up")) {
        String id = c.get("id").asText();
        impairedIds.add(id);
        Instant downEnd = null;
        JsonNode windows = c.get("windows");
        JsonNode last = windows.get(windows.size() - 1);
        for (JsonNode w : windows) {
          if (w.get("state").asText().equals("down") && last.get("state").asText().equals("degraded")) {
            downEnd = Instant.parse(w.get("end").asText());
          }
        }
        impaired.add(new ServiceOutcome(id, c.get("state").asText(), Instant.parse(c.get("impact_start").asText()),
            Instant.parse(c.get("impact_end").asText()), downEnd, acrossRegions.get(id)));
      }
    }
    List<OutageWindow> falseWindows = all.stream().filter(w -> !impairedIds.contains(w.service())).toList();
    return new Outcome(truth, incidents, impaired, falseWindows);
  }
}
