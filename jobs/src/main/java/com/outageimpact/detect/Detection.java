package com.outageimpact.detect;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.timestamp_seconds;

import com.outageimpact.common.StageTimer;
import com.outageimpact.ingest.IncidentDeclaration;
import com.outageimpact.schema.Schemas;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The detect stage: from accepted problem reports (and the operator's declaration, when given)
 * to outage windows, incidents, their response metrics and the report timeline. Used alone by
 * the {@code detect} job and as a stage of the full run.
 */
public final class Detection {

  /** How much of the timeline around an incident is kept: context before, and the drain after. */
  private static final Duration TIMELINE_BEFORE = AnalysisWindow.TIMELINE_BEFORE;
  private static final Duration TIMELINE_AFTER = AnalysisWindow.TIMELINE_AFTER;
  /** How long before an incident's first window other services are checked for having been hit too. */
  static final Duration FOCUS_BEFORE = Duration.ofHours(1);
  /**
   * How long before an incident the report series are kept for its timeline: the timeline's hour,
   * plus the hour by which failed transactions may move its start earlier (in {@code run}), plus
   * the focus hour, within which the second pass may open earlier windows.
   */
  static final Duration KEEP_BEFORE = TIMELINE_BEFORE.plus(FOCUS_BEFORE).plus(FOCUS_BEFORE);

  /** The stage's result: incidents (small, on the driver) and the scored series (lazy). */
  public record Result(List<DetectedIncident> incidents, Dataset<Row> scored, DetectionParams params) {
    /** The same result with its incidents' windows refined (by the transactions, in the full run). */
    public Result withIncidents(List<DetectedIncident> refined) {
      return new Result(refined, scored, params);
    }
  }

  private Detection() {}

  /**
   * @param timelineAfter how far after an incident's detected end its report timeline may reach
   *     (the full run's analysis window runs the recovery hours past it): the scored series are
   *     kept from {@link #KEEP_BEFORE} before each incident to this (at least
   *     {@link #TIMELINE_AFTER}) plus {@link #TIMELINE_AFTER} after it, for the timelines.
   */
  public static Result detect(Dataset<Row> reports, IncidentDeclaration declaration, DetectionParams params,
      Duration timelineAfter, StageTimer timer) {
    try (StageTimer.Stage stage = timer.start("detect")) {
      Dataset<Row> counts = ReportSeries.counts(reports, params).persist(StorageLevel.MEMORY_AND_DISK());
      ReportSeries.Extent extent = ReportSeries.extent(counts);
      if (extent == null) {
        counts.unpersist();
        stage.count("incidents", 0);
        return new Result(List.of(), null, params);
      }
      // Grouped by series once, for both passes; the counts themselves are then no longer read.
      Dataset<Row> grouped = ReportSeries.grouped(counts, extent).persist(StorageLevel.MEMORY_AND_DISK());
      grouped.count();
      counts.unpersist();
      // First pass: windows strong enough on their own, which make the incidents. Only the
      // windows are read from it.
      Dataset<Row> scored = ReportSeries.scan(grouped, params, List.of(), List.of());
      List<OutageWindow> windows = WindowDetector.windows(scored, params);
      List<DetectedIncident> incidents = DetectedIncident.group(windows, declaration, params.minIncidentMinutes(), extent.regions());
      // Second pass: within each incident (from an hour before it), which other series rose too.
      List<long[]> focus = spans(incidents, FOCUS_BEFORE, Duration.ZERO, params);
      Duration after = TIMELINE_AFTER.plus(timelineAfter.compareTo(TIMELINE_AFTER) > 0 ? timelineAfter : TIMELINE_AFTER);
      List<long[]> keep = spans(incidents, KEEP_BEFORE, after, params);
      if (!incidents.isEmpty()) {
        scored = ReportSeries.scan(grouped, params, focus, keep);
      }
      // Read twice: for the windows now, for the timeline when publishing.
      scored = scored.persist(StorageLevel.MEMORY_AND_DISK());
      windows = WindowDetector.windows(scored, params);
      incidents = DetectedIncident.group(windows, declaration, params.minIncidentMinutes(), extent.regions());
      List<long[]> needed = spans(incidents, KEEP_BEFORE, after, params);
      if (!covers(keep, needed)) {
        // A window the second pass confirmed drains past what the first pass's incidents reached:
        // scan once more (same focus, so the same windows) for the timeline's rows.
        scored.unpersist();
        scored = ReportSeries.scan(grouped, params, focus, needed).persist(StorageLevel.MEMORY_AND_DISK());
        scored.count(); // before the grouped series go
      }
      grouped.unpersist();
      stage.count("windows", incidents.stream().mapToInt(i -> i.windows().size()).sum()).count("incidents", incidents.size());
      return new Result(incidents, scored, params);
    }
  }

  /**
   * Per incident, the buckets from {@code before} its start to {@code after} its drain end
   * (bucket index ranges, [from, to)): the focus of the second pass, and the timeline's rows.
   */
  private static List<long[]> spans(List<DetectedIncident> incidents, Duration before, Duration after,
      DetectionParams params) {
    List<long[]> spans = new ArrayList<>();
    for (DetectedIncident incident : incidents) {
      spans.add(new long[] {
          incident.start().minus(before).getEpochSecond() / params.bucketSeconds(),
          incident.drainEnd().plus(after).getEpochSecond() / params.bucketSeconds() + 1});
    }
    return spans;
  }

  /** Whether every span of {@code inner} lies within one span of {@code outer}. */
  private static boolean covers(List<long[]> outer, List<long[]> inner) {
    return inner.stream().allMatch(i -> outer.stream().anyMatch(o -> o[0] <= i[0] && i[1] <= o[1]));
  }

  /** The tables this stage publishes, per incident (incident_summary is gathered from every stage). */
  public static final List<String> TABLES = List.of("outage_windows", "timeline");

  /** The outage_windows table: one row per window of every incident found. */
  public static Dataset<Row> windowsTable(SparkSession spark, List<DetectedIncident> incidents) {
    List<Row> rows = new ArrayList<>();
    for (DetectedIncident incident : incidents) {
      for (OutageWindow w : incident.windows()) {
        rows.add(RowFactory.create(incident.id(), w.service(), w.region(), ts(w.start()), ts(w.peakAt()), ts(w.end()),
            ts(w.drainEnd()), w.durationMinutes(), w.reports(), w.expectedReports(), w.excessReports(),
            w.peakRatio(), w.severity(), ts(w.reportStart()), ts(w.reportEnd()), w.baselineKind()));
      }
    }
    return spark.createDataFrame(rows, Schemas.OUTAGE_WINDOWS);
  }

  /**
   * Reports against expected per service (across regions) and bucket, from {@code from} to
   * {@code to} (exclusive) around one incident.
   */
  public static Dataset<Row> reportTimeline(Result result, DetectedIncident incident, Instant from, Instant to) {
    long bucket = result.params().bucketSeconds();
    long first = from.getEpochSecond() / bucket;
    long last = (to.getEpochSecond() - 1) / bucket;
    return result.scored()
        .filter(col("region").equalTo(ReportSeries.ALL_REGIONS))
        .filter(col("bucket_index").between(first, last))
        .select(lit(incident.id()).as("incident_id"),
            timestamp_seconds(col("bucket_index").multiply(bucket)).as("bucket_start"),
            col("service"), col("reports"), col("reporters"), col("expected_reports"),
            col("anomalous"));
  }

  private static Timestamp ts(Instant instant) {
    return Timestamp.from(instant);
  }

}
