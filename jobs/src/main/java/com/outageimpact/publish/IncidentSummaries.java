package com.outageimpact.publish;

import com.outageimpact.cascade.Cascade;
import com.outageimpact.cascade.CascadeStage;
import com.outageimpact.detect.DetectedIncident;
import com.outageimpact.detect.OutageWindow;
import com.outageimpact.impact.ImpactStage;
import com.outageimpact.schema.Schemas;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * incident_summary: one row per incident, gathered from every stage that ran (detection always;
 * the cascade when there is a graph to go by). A stage that did not run leaves its columns null.
 */
public final class IncidentSummaries {

  private IncidentSummaries() {}

  /**
   * Stages the summary of every incident; {@code findings} may be empty (the detect job).
   * {@code weeksUsed}: per incident, the baseline weeks the impact stage used (0: not estimated).
   */
  public static void stage(Publisher publisher, SparkSession spark, List<DetectedIncident> incidents,
      List<CascadeStage.Finding> findings, List<ImpactStage.Impact> impacts, Map<String, Integer> weeksUsed) {
    Map<String, CascadeStage.Finding> byIncident =
        findings.stream().collect(Collectors.toMap(f -> f.incident().id(), Function.identity()));
    Map<String, ImpactStage.Impact> impactByIncident =
        impacts.stream().collect(Collectors.toMap(ImpactStage.Impact::incidentId, Function.identity()));
    List<Row> rows = new ArrayList<>();
    for (DetectedIncident incident : incidents) {
      rows.add(row(incident, byIncident.get(incident.id()), impactByIncident.get(incident.id()),
          weeksUsed.get(incident.id())));
    }
    publisher.stagePerIncident("incident_summary", spark.createDataFrame(rows, Schemas.INCIDENT_SUMMARY),
        incidents.stream().map(DetectedIncident::id).toList());
  }

  private static Row row(DetectedIncident incident, CascadeStage.Finding cascade, ImpactStage.Impact impact,
      Integer weeksUsed) {
    Row t = impact == null ? null : impact.totals();
    Double net = t == null ? null : t.<Double>getAs("net_loss");
    Double half = impact == null ? null : impact.netLossHalfWidth();
    Instant start = incident.start();
    List<OutageWindow> headline = incident.headlineWindows();
    String declaredRoot = incident.declaration() == null ? null : incident.declaration().rootComponent();
    return RowFactory.create(incident.id(), incident.declaration() != null,
        cascade == null ? declaredRoot : cascade.root(), incident.footprint().scope(),
        String.join(",", incident.footprint().regions()), ts(start), ts(incident.end()),
        minutes(start, incident.end()), ts(incident.firstAlarm()), minutes(start, incident.firstAlarm()),
        incident.acknowledgedAt().map(at -> minutes(start, at)).orElse(null),
        incident.declared("resolved").map(at -> minutes(start, at)).orElse(null),
        incident.services().size(), String.join(",", incident.services()),
        headline.stream().mapToLong(OutageWindow::reports).sum(),
        headline.stream().mapToDouble(OutageWindow::excessReports).sum(),
        cascade == null || cascade.rootSource() == null ? null : cascade.rootSource().name().toLowerCase(Locale.ROOT),
        cascade == null ? null : cascade.rootContradicted(),
        cascade == null ? null : cascade.topCandidate(),
        cascade == null ? null : cascade.services(Cascade.State.DOWN),
        cascade == null ? null : cascade.services(Cascade.State.DEGRADED),
        t == null ? null : t.getAs("affected_businesses"), t == null ? null : t.getAs("critical_affected"),
        t == null ? null : t.getAs("expected_value"), t == null ? null : t.getAs("gross_loss"),
        t == null ? null : t.getAs("recovered"), net, net == null ? null : net - half,
        net == null ? null : net + half, t == null ? null : t.getAs("sla_credits"), weeksUsed,
        insured(impact, "insured_businesses"), insured(impact, "policies_triggered"), insured(impact, "insured_loss"),
        insured(impact, "insured_loss_low"), insured(impact, "insured_loss_high"), insured(impact, "retained_loss"),
        insured(impact, "uninsured_loss"), insured(impact, "insured_share"));
  }

  /** A column of the incident's insured totals; null without an impact or a policies input. */
  private static Object insured(ImpactStage.Impact impact, String column) {
    Row totals = impact == null ? null : impact.insuredTotals();
    return totals == null ? null : totals.getAs(column);
  }

  private static Timestamp ts(Instant instant) {
    return Timestamp.from(instant);
  }

  private static double minutes(Instant from, Instant to) {
    return (to.getEpochSecond() - from.getEpochSecond()) / 60.0;
  }
}
