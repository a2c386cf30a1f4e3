package com.outageimpact.detect;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.timestamp_seconds;

import com.outageimpact.common.StageTimer;
import com.outageimpact.ingest.IncidentDeclaration;
import com.outageimpact.publish.Publisher;
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
  public static final Duration TIMELINE_BEFORE = Duration.ofHours(1);
  public static final Duration TIMELINE_AFTER = Duration.ofHours(3);
  /** How long before an incident's first window other services are checked for having been hit too. */
  static final Duration FOCUS_BEFORE = Duration.ofHours(1);

  /** The stage's result: incidents (small, on the driver) and the scored series (lazy). */
  public record Result(List<DetectedIncident> incidents, Dataset<Row> scored, DetectionParams params) {
    /** The same result with its incidents' windows refined (by the transactions, in the full run). */
    public Result withIncidents(List<DetectedIncident> refined) {
      return new Result(refined, scored, params);
    }
  }

  private Detection() {}

  public static Result detect(Dataset<Row> reports, IncidentDeclaration declaration, DetectionParams params,
      StageTimer timer) {
    try (StageTimer.Stage stage = timer.start("detect")) {
      Dataset<Row> counts = ReportSeries.counts(reports, params).persist(StorageLevel.MEMORY_AND_DISK());
      // First pass: windows strong enough on their own, which make the incidents.
      ReportSeries.Extent extent = ReportSeries.extent(counts);
      if (extent == null) {
        counts.unpersist();
        stage.count("incidents", 0);
        return new Result(List.of(), null, params);
      }
      Dataset<Row> scored = ReportSeries.scan(counts, extent, params, List.of());
      List<OutageWindow> windows = WindowDetector.windows(scored, params);
      List<DetectedIncident> incidents = DetectedIncident.group(windows, declaration, params.minIncidentMinutes(), extent.regions());
      if (!incidents.isEmpty()) {
        // Second pass: within each incident (from an hour before it), which other series rose too.
        List<long[]> focus = new ArrayList<>();
        for (DetectedIncident incident : incidents) {
          focus.add(new long[] {
              incident.start().minus(FOCUS_BEFORE).getEpochSecond() / params.bucketSeconds(),
              incident.drainEnd().getEpochSecond() / params.bucketSeconds() + 1});
        }
        scored = ReportSeries.scan(counts, extent, params, focus);
      }
      // Read twice: for the windows now, for the timeline when publishing.
      scored = scored.persist(StorageLevel.MEMORY_AND_DISK());
      windows = WindowDetector.windows(scored, params);
      incidents = DetectedIncident.group(windows, declaration, params.minIncidentMinutes(), extent.regions());
      counts.unpersist();
      stage.count("windows", incidents.stream().mapToInt(i -> i.windows().size()).sum()).count("incidents", incidents.size());
      return new Result(incidents, scored, params);
    }
  }

  /** The tables this stage publishes, per incident (incident_summary is gathered from every stage). */
  public static final List<String> TABLES = List.of("outage_windows", "timeline");

  /**
   * Stages the outage windows of every incident found; returns the incidents' ids. Nothing is
   * staged when there is no incident (the previous outputs of other incidents stay as they are).
   * The timeline is staged by {@link com.outageimpact.publish.Timelines}, which adds what the
   * other stages know.
   */
  public static List<String> stage(Publisher publisher, SparkSession spark, Result result) {
    List<String> ids = result.incidents().stream().map(DetectedIncident::id).toList();
    publisher.stagePerIncident("outage_windows", windowsTable(spark, result.incidents()), ids);
    return ids;
  }

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
