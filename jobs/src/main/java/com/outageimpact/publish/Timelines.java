package com.outageimpact.publish;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.outageimpact.cascade.Cascade;
import com.outageimpact.cascade.CascadeStage;
import com.outageimpact.cascade.ServiceImpacts.ComponentImpact;
import com.outageimpact.detect.AnalysisWindow;
import com.outageimpact.detect.DetectedIncident;
import com.outageimpact.detect.Detection;
import com.outageimpact.impact.ImpactStage;
import com.outageimpact.schema.Schemas;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * timeline: per incident, bucket and service, gathered from every stage that ran. Detection gives
 * the reports against expected; the impact stage the transaction value against expected (and
 * widens the span to its whole analysis window, recovery included); the cascade the number of
 * components down. A stage that did not run leaves its columns null.
 */
public final class Timelines {

  private Timelines() {}

  /** Stages the timeline of every incident; {@code findings} and {@code impacts} may be empty (the detect job). */
  public static void stage(Publisher publisher, SparkSession spark, Detection.Result detection,
      List<CascadeStage.Finding> findings, List<ImpactStage.Impact> impacts) {
    Map<String, CascadeStage.Finding> findingByIncident =
        findings.stream().collect(Collectors.toMap(f -> f.incident().id(), Function.identity()));
    Map<String, ImpactStage.Impact> impactByIncident =
        impacts.stream().collect(Collectors.toMap(ImpactStage.Impact::incidentId, Function.identity()));
    long bucket = detection.params().bucketSeconds();
    for (DetectedIncident incident : detection.incidents()) {
      ImpactStage.Impact impact = impactByIncident.get(incident.id());
      // Without an estimate the timeline is the reports' own: the analysis window adds nothing.
      AnalysisWindow reports = AnalysisWindow.reportsOnly(incident);
      Instant from = impact != null ? impact.timelineFrom() : reports.timelineStart();
      Instant to = impact != null ? impact.timelineTo() : reports.timelineEnd();
      Dataset<Row> timeline = Detection.reportTimeline(detection, incident, from, to);
      if (impact != null) {
        Dataset<Row> values = impact.timelineValues();
        // Services with transactions but no reports, and the reverse, keep their rows.
        timeline = timeline.join(values, timeline.col("bucket_start").equalTo(values.col("bucket_start"))
            .and(timeline.col("service").eqNullSafe(values.col("service"))), "full_outer")
            .select(coalesce(timeline.col("bucket_start"), values.col("bucket_start")).as("bucket_start"),
                coalesce(timeline.col("service"), values.col("service")).as("service"),
                coalesce(col("reports"), lit(0L)).as("reports"), coalesce(col("reporters"), lit(0L)).as("reporters"),
                col("expected_reports"), coalesce(col("anomalous"), lit(false)).as("anomalous"),
                col("txn_value"), col("expected_txn_value"), col("expected_txn_value_low"),
                col("expected_txn_value_high"));
      }
      CascadeStage.Finding finding = findingByIncident.get(incident.id());
      if (finding != null) {
        timeline = timeline.join(componentsDown(spark, finding.impacts(), from, to, bucket), "bucket_start", "left");
      }
      timeline = timeline.withColumn("incident_id", lit(incident.id()));
      for (StructField field : Schemas.TIMELINE.fields()) {
        if (!List.of(timeline.columns()).contains(field.name())) {
          timeline = timeline.withColumn(field.name(), lit(null).cast(field.dataType()));
        }
      }
      publisher.stagePerIncident("timeline", Schemas.conform(timeline, Schemas.TIMELINE), List.of(incident.id()));
    }
  }

  /** Per bucket, how many components (services and internal ones) were down during any of it. */
  static Dataset<Row> componentsDown(SparkSession spark, List<ComponentImpact> impacts, Instant from, Instant to,
      long bucketSeconds) {
    List<Row> rows = new ArrayList<>();
    for (long b = from.getEpochSecond() / bucketSeconds * bucketSeconds; b < to.getEpochSecond(); b += bucketSeconds) {
      int down = 0;
      for (ComponentImpact i : impacts) {
        if (i.state() == Cascade.State.DOWN && i.impactStart() != null && i.downEnd() != null
            && i.impactStart().getEpochSecond() < b + bucketSeconds && i.downEnd().getEpochSecond() > b) {
          down++;
        }
      }
      rows.add(RowFactory.create(Timestamp.from(Instant.ofEpochSecond(b)), down));
    }
    return spark.createDataFrame(rows, new StructType().add("bucket_start", DataTypes.TimestampType)
        .add("components_down", DataTypes.IntegerType));
  }
}
