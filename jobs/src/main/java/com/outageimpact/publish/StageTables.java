package com.outageimpact.publish;

import com.outageimpact.cascade.CascadeStage;
import com.outageimpact.detect.DetectedIncident;
import com.outageimpact.detect.Detection;
import com.outageimpact.impact.ImpactStage;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Stages the tables each pipeline stage returns, per incident. The stages build tables and know
 * nothing of publishing; this is where a stage's results become the run's outputs (so imports flow
 * one way: jobs, then publish, then the stages).
 */
public final class StageTables {

  private StageTables() {}

  /** Stages the outage windows of every incident found; returns the incidents' ids. */
  public static List<String> detection(Publisher publisher, SparkSession spark, Detection.Result result) {
    List<String> ids = result.incidents().stream().map(DetectedIncident::id).toList();
    publisher.stagePerIncident("outage_windows", Detection.windowsTable(spark, result.incidents()), ids);
    return ids;
  }

  /** Stages the cascade tables of every incident. */
  public static void cascade(Publisher publisher, SparkSession spark, List<CascadeStage.Finding> findings) {
    List<String> ids = findings.stream().map(f -> f.incident().id()).toList();
    for (Map.Entry<String, Dataset<Row>> table : CascadeStage.tables(spark, findings).entrySet()) {
      publisher.stagePerIncident(table.getKey(), table.getValue(), ids);
    }
  }

  /** Stages the impact tables of every estimated incident; per-business tables are partitioned by sector. */
  public static void impact(Publisher publisher, List<ImpactStage.Impact> impacts) {
    for (ImpactStage.Impact impact : impacts) {
      List<String> id = List.of(impact.incidentId());
      publisher.stagePerIncident("business_impact", impact.businesses(), id, "sector");
      publisher.stagePerIncident("sector_impact", impact.sectors(), id);
      publisher.stagePerIncident("impact_breakdown", impact.breakdown(), id);
      if (impact.insured() != null) {
        publisher.stagePerIncident("insured_impact", impact.insured().businesses(), id, "sector");
        publisher.stagePerIncident("insured_sector_impact", impact.insured().sectors(), id);
      }
      if (impact.durations() != null) {
        publisher.stagePerIncident("duration_scenarios", impact.durations(), id);
      }
    }
  }
}
