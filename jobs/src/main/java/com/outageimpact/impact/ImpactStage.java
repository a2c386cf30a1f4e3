package com.outageimpact.impact;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;

import com.outageimpact.common.DerivedColumns;
import com.outageimpact.cascade.Cascade;
import com.outageimpact.cascade.CascadeStage;
import com.outageimpact.cascade.ServiceImpacts.ComponentImpact;
import com.outageimpact.common.PlanLeaves;
import com.outageimpact.common.StageTimer;
import com.outageimpact.detect.AnalysisWindow;
import com.outageimpact.detect.DetectedIncident;
import com.outageimpact.detect.Footprint;
import com.outageimpact.detect.OutageWindow;
import com.outageimpact.detect.ReportSeries;
import com.outageimpact.ingest.IngestedData;
import com.outageimpact.schema.Schemas;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The impact stage: per business and per sector, what the incident cost (expected against actual
 * value on the streams it hit, gross loss while impaired, what came back after recovery, net
 * loss with a 90% interval), failed attempts, downtime, availability and SLA credits.
 *
 * <p>The analysis window and the spans around it are the incident's {@link AnalysisWindow}.
 */
public final class ImpactStage {

  public static final List<String> TABLES = List.of("business_impact", "sector_impact", "impact_breakdown");
  /** Published only when there is a policies input. */
  public static final List<String> INSURED_TABLES = List.of("insured_impact", "insured_sector_impact");
  public static final String DURATION_TABLE = "duration_scenarios";


  /**
   * One incident's results: the tables (lazy, over cached small tables), the totals with the
   * half-width of their net loss's 90% interval, and the transaction columns of the timeline over
   * [timelineFrom, timelineTo).
   */
  public record Impact(String incidentId, Dataset<Row> businesses, Dataset<Row> sectors, Dataset<Row> breakdown,
      Row totals, double netLossHalfWidth,
      Dataset<Row> timelineValues, Instant timelineFrom, Instant timelineTo, InsuredImpact.Tables insured,
      Dataset<Row> durations, List<Dataset<Row>> cached) {
    /** Totals of insured_impact (insured_loss and its interval, ...); null without a policies input. */
    public Row insuredTotals() {
      return insured == null ? null : insured.totals();
    }

    /** Frees the cached tables once they are published. */
    public void release() {
      cached.forEach(PlanLeaves::release);
    }
  }

  private ImpactStage() {}

  /**
   * When the accepted transactions start and end (epoch seconds) and how many there are: what a
   * baseline week's coverage is judged by. The same for every incident, so measured once.
   */
  public record TransactionExtent(long first, long last, long count) {
    /** One aggregate over the transactions; on the kept projection, it also materializes it. */
    public static TransactionExtent measure(Dataset<Row> transactions) {
      Row r = transactions.agg(min(unix_seconds(col("occurred_at"))), max(unix_seconds(col("occurred_at"))),
          org.apache.spark.sql.functions.count(lit(1))).first();
      return r.isNullAt(0) ? new TransactionExtent(0, 0, 0) : new TransactionExtent(r.getLong(0), r.getLong(1),
          r.getLong(2));
    }
  }

  /**
   * How many of the {@code baselineWeeks} the transactions cover for this incident (the baseline
   * week's whole shifted span, level window included); 0 means there is nothing to estimate from.
   */
  public static int coveredWeeks(TransactionExtent extent, AnalysisWindow window, int baselineWeeks) {
    return StreamLosses.coveredWeeks(extent, window.levelStart(), baselineWeeks);
  }

  /**
   * @param baselineWeeks the baseline weeks to use: those the data covers ({@link #coveredWeeks}), at least 1
   * @param bucketSeconds the timeline's bucket
   */
  public static Impact estimate(SparkSession spark, IngestedData data, CascadeStage.Finding finding,
      int baselineWeeks, ImpactParams params, long bucketSeconds, StageTimer timer) {
    DetectedIncident incident = finding.incident();
    try (StageTimer.Stage stage = timer.start("impact")) {
      AnalysisWindow window = params.window(incident);
      Instant windowStart = window.start();
      Instant windowEnd = window.end();
      Instant preStart = window.levelStart();
      Map<String, Instant> impaired = new LinkedHashMap<>();
      Map<String, Instant[]> impairedSpans = new LinkedHashMap<>();
      Set<String> unexplained = new HashSet<>();
      List<ComponentImpact> down = new ArrayList<>();
      for (ComponentImpact i : finding.impacts()) {
        if (i.userFacing() && i.state() != Cascade.State.UP) {
          impaired.put(i.component(), i.impactEnd());
          impairedSpans.put(i.component(), new Instant[] {i.impactStart(), i.impactEnd()});
          if (!i.explained()) {
            unexplained.add(i.component());
          }
          if (i.state() == Cascade.State.DOWN) {
            down.add(i);
          }
        }
      }
      Footprint footprint = incident.footprint();
      Dataset<Row> businesses = data.businesses().accepted();
      // The one pass over the transactions (in compute, which materializes the per-stream sums) is
      // the heavy part of the stage: the description names it in the Spark UI and REST API (the
      // cluster test kills an executor while it runs).
      List<Dataset<Row>> sums = new ArrayList<>();
      Dataset<Row> streams;
      long streamCount;
      spark.sparkContext().setJobDescription("impact: transaction aggregation for " + incident.id());
      try {
        streams = PlanLeaves.checkpoint(StreamLosses.compute(spark, data.transactions().accepted(), businesses,
            impaired, footprint, preStart, windowStart, windowEnd, baselineWeeks, sums));
        streamCount = streams.count();
      } finally {
        spark.sparkContext().setJobDescription(null);
      }
      sums.forEach(PlanLeaves::release);
      // Intervals rest on the weeks the estimate combines (StreamLosses.keptWeeks), not all covered ones.
      int combinedWeeks = StreamLosses.combinedWeeks(baselineWeeks);

      // Reliance: business_services when given, else the services seen in its transactions.
      Dataset<Row> reliance = data.businessServices() != null
          ? data.businessServices().accepted().select("business_id", "service")
          : streams.filter(col("service").isNotNull()).select("business_id", "service");
      // Small (a row per business and service), read by the affected flags, the downtime and the
      // per-service breakdown: computed once.
      reliance = PlanLeaves.checkpoint(reliance.distinct());
      Dataset<Row> impairedServices = spark.createDataFrame(
          impaired.keySet().stream().map(s -> RowFactory.create(s)).toList(),
          new StructType().add("service", DataTypes.StringType));
      // A service the cascade does not tie to the root (while it explains others) failed and came back
      // on its own: its span stays put in a longer or shorter outage. Without a root, every span moves.
      Set<String> staysPut = unexplained.size() == impairedSpans.size() ? Set.of() : unexplained;
      Dataset<Row> downIntervals = spark.createDataFrame(downRows(down, streams, incident, bucketSeconds, staysPut),
          new StructType().add("service", DataTypes.StringType).add("down_start", DataTypes.LongType)
              .add("down_end", DataTypes.LongType).add("boundary_sd", DataTypes.DoubleType)
              .add("moves", DataTypes.BooleanType));
      // Affected, downtime and credits only where the footprint places the business.
      Dataset<Row> hitReliance = reliance.join(broadcast(businesses.select("business_id", "region")), "business_id")
          .filter(footprint.covers(col("region")));
      Dataset<Row> affected = hitReliance.join(broadcast(impairedServices), "service")
          .select("business_id").distinct().withColumn("affected", lit(true));
      // Downtime: the union of the down intervals of the services it relies on; availability counts
      // only the part inside the calendar month (UTC) the incident starts in.
      long[] month = monthBounds(incident.start());
      // Small (a row per business that relies on an impaired service), and read by the downtime, the
      // covers and the duration scenarios: computed once, not once per reader (each a plan of dozens
      // of small stages).
      Dataset<Row> downByBusiness = PlanLeaves.checkpoint(hitReliance.join(broadcast(downIntervals), "service")
          .groupBy("business_id")
          .agg(collect_list(struct(col("down_start"), col("down_end"), col("boundary_sd"), col("moves")))
              .as("intervals")));
      Dataset<Row> downtime = downByBusiness
          .select(col("business_id"),
              Downtime.unionSeconds("x.down_start", "x.down_end").divide(60.0).as("downtime_minutes"),
              Downtime.unionSeconds("greatest(x.down_start, " + month[0] + "L)", "least(x.down_end, " + month[1] + "L)")
                  .as("month_downtime_seconds"));

      Dataset<Row> perBusiness = Breakdowns.aggregate(streams.groupBy("business_id"),
          List.of(StreamLosses.businessLossVariance(baselineWeeks).as("loss_variance")),
          Breakdowns.sumsOfAdditive());
      Column creditPct = slaCreditPct(data, col("availability_pct"), col("sla_tier"));
      Dataset<Row> business = businesses.select("business_id", "sector", "region", "critical", "sla_tier", "monthly_fee")
          .join(perBusiness, new String[] {"business_id"}, "left")
          .join(affected, new String[] {"business_id"}, "left")
          .join(downtime, new String[] {"business_id"}, "left")
          .na().fill(0.0, new String[] {"expected_value", "actual_value", "gross_loss", "recovered", "loss_variance",
              "failed_value", "downtime_minutes", "month_downtime_seconds"}) // a business without streams
          .na().fill(0L, new String[] {"failed_txns"});
      business = DerivedColumns.of()
          .put("affected", coalesce(col("affected"), lit(false)))
          .put("net_loss", col("gross_loss").minus(col("recovered")))
          .put("availability_pct", lit(100.0).multiply(lit(1.0).minus(
              col("month_downtime_seconds").divide((double) (month[1] - month[0])))))
          .addTo(business);
      // One business's variance: weeks - 1 degrees of freedom (StudentT).
      Column halfWidth = StudentT.halfWidth(col("loss_variance"), col("loss_variance").multiply(col("loss_variance")),
          combinedWeeks);
      business = DerivedColumns.of()
          .put("sla_credit", coalesce(col("monthly_fee"), lit(0)).cast("double").multiply(creditPct).divide(100.0))
          .put("net_loss_low", col("net_loss").minus(halfWidth))
          .put("net_loss_high", col("net_loss").plus(halfWidth))
          .addTo(business)
          .select("business_id", "sector", "region", "critical", "affected", "expected_value", "actual_value",
              "gross_loss", "recovered", "net_loss", "net_loss_low", "net_loss_high", "loss_variance", "failed_txns",
              "failed_value", "downtime_minutes", "availability_pct", "sla_credit")
          .withColumn("incident_id", lit(incident.id()));
      business = PlanLeaves.checkpoint(business);

      double hours = window.hours();
      Dataset<Row> sectorSums = Breakdowns.ofBusinesses(business, "sector");
      Row totals = sectorSums.agg(sum("net_loss").as("net_loss"), sum("loss_variance").as("loss_variance"),
          sum("loss_variance_squares").as("loss_variance_squares"),
          sum("gross_loss").as("gross_loss"), sum("recovered").as("recovered"),
          sum("affected_businesses").as("affected_businesses"), sum("critical_affected").as("critical_affected"),
          sum("sla_credits").as("sla_credits"), sum("expected_value").as("expected_value")).first();
      Double totalExpected = totals.getAs("expected_value");
      Double totalNetLoss = totals.getAs("net_loss");
      double totalHalfWidth = StudentT.halfWidth(totals.<Double>getAs("loss_variance"),
          totals.<Double>getAs("loss_variance_squares"), combinedWeeks);
      Dataset<Row> sectors = Breakdowns.finish(sectorSums, hours, totalExpected, totalNetLoss, combinedWeeks)
          .withColumnRenamed("key", "sector").withColumn("incident_id", lit(incident.id()));
      Dataset<Row> affectedReliance = hitReliance.join(broadcast(impairedServices), "service")
          .select("business_id", "service").distinct();
      Dataset<Row> breakdown = Breakdowns.finish(sectorSums
          .unionByName(Breakdowns.ofBusinesses(business, "region"))
          .unionByName(Breakdowns.ofBusinesses(business, "critical"))
          .unionByName(Breakdowns.ofServices(streams, reliance, affectedReliance, business)),
          hours, totalExpected, totalNetLoss, combinedWeeks);
      breakdown = PlanLeaves.checkpoint(Breakdowns.conform(breakdown, incident.id()));

      Instant timelineFrom = window.timelineStart();
      Instant timelineTo = window.timelineEnd();
      Dataset<Row> timeline = PlanLeaves.checkpoint(TimelineValues.compute(data.transactions().accepted(),
          streams.filter(col("hit")), timelineFrom, timelineTo, bucketSeconds, baselineWeeks));
      stage.count("businesses", business.count()).count("streams", streamCount)
          .count("breakdown rows", breakdown.count()).count("timeline rows", timeline.count());
      List<Dataset<Row>> cached = new ArrayList<>(List.of(business, breakdown, timeline));
      InsuredImpact.Tables insured = null;
      Dataset<Row> covers = null;
      if (data.policies() != null) {
        Dataset<Row> insuredBusinesses;
        try (StageTimer.Stage insuredStage = timer.start("impact.insured")) {
          // Read by insured_impact and the duration scenarios: computed once.
          covers = PlanLeaves.checkpoint(InsuredImpact.covers(data.policies().accepted(), downByBusiness));
          InsuredImpact.Tables computed = InsuredImpact.compute(covers, business,
              streams.select("business_id", "level").distinct(), data.transactions().accepted(), impaired.keySet(),
              windowStart, windowEnd, baselineWeeks, incident.id());
          // Read three times (staged, rolled up per sector, totalled): computed once.
          insuredBusinesses = PlanLeaves.checkpoint(computed.businesses());
          cached.add(insuredBusinesses);
          insuredStage.count("insured businesses", insuredBusinesses.filter(col("insured")).count());
          insured = InsuredImpact.rollUps(insuredBusinesses, incident.id());
        }
      }
      Dataset<Row> durations = null;
      if (params.durationHours() != null) {
        try (StageTimer.Stage durationStage = timer.start("impact.durations")) {
          durations = DurationScenarios.compute(spark, streams.filter(col("hit")), business, sectors,
              data.transactions().accepted(), impairedSpans, staysPut, incident.start(),
              Duration.between(incident.start(), incident.end()).toSeconds() / 3600.0, params.durationHours(), baselineWeeks,
              covers, downByBusiness, incident.id());
          durationStage.count("rows", durations.count());
        }
      }
      PlanLeaves.release(streams);
      PlanLeaves.release(downByBusiness);
      PlanLeaves.release(reliance);
      if (covers != null) {
        PlanLeaves.release(covers);
      }
      return new Impact(incident.id(), Schemas.conform(business, Schemas.BUSINESS_IMPACT),
          Schemas.conform(sectors, Schemas.SECTOR_IMPACT), breakdown, totals, totalHalfWidth, timeline, timelineFrom,
          timelineTo, insured, durations, List.copyOf(cached));
    }
  }

  /** [start, end) in epoch seconds of the calendar month (UTC) the incident starts in. */
  static long[] monthBounds(Instant start) {
    YearMonth month = YearMonth.from(LocalDate.ofInstant(start, ZoneOffset.UTC));
    long first = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    return new long[] {first, first + month.lengthOfMonth() * 86400L};
  }

  /**
   * Each down service's detected interval and how sure its boundaries are ({@link BoundaryTiming}):
   * the evidence is its failed attempts in the incident (from the streams) and its reports across
   * regions.
   */
  private static List<Row> downRows(List<ComponentImpact> down, Dataset<Row> streams, DetectedIncident incident,
      long bucketSeconds, Set<String> staysPut) {
    Map<String, Long> failed = new java.util.HashMap<>();
    if (!down.isEmpty()) {
      for (Row r : streams.filter(col("service").isin(down.stream().map(ComponentImpact::component).toArray()))
          .groupBy("service").agg(sum("failed_txns")).collectAsList()) {
        failed.put(r.getString(0), r.isNullAt(1) ? 0L : r.getLong(1));
      }
    }
    Map<String, Long> reports = new java.util.HashMap<>();
    for (OutageWindow w : incident.windows()) {
      if (w.region().equals(ReportSeries.ALL_REGIONS)) {
        reports.merge(w.service(), w.reports(), Long::sum);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (ComponentImpact i : down) {
      long start = i.impactStart().getEpochSecond();
      long end = i.downEnd().getEpochSecond();
      long evidence = failed.getOrDefault(i.component(), 0L) + reports.getOrDefault(i.component(), 0L);
      rows.add(RowFactory.create(i.component(), start, end,
          BoundaryTiming.sdSeconds(bucketSeconds, evidence, end - start), !staysPut.contains(i.component())));
    }
    return rows;
  }

  /** The highest credit_pct of the business's tier that its availability falls below (0 when none). */
  private static Column slaCreditPct(IngestedData data, Column availability, Column tier) {
    if (data.slaTiers() == null) {
      return lit(0.0);
    }
    List<Row> tiers = data.slaTiers().accepted().select("tier", "below_availability_pct", "credit_pct").collectAsList();
    Column pct = lit(0.0);
    for (Row r : tiers) {
      double below = ((BigDecimal) r.get(1)).doubleValue();
      double credit = ((BigDecimal) r.get(2)).doubleValue();
      pct = greatest(pct,
          when(tier.equalTo(r.getString(0)).and(availability.lt(below)), lit(credit)).otherwise(0.0));
    }
    return pct;
  }
}
