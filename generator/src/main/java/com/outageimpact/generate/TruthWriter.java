package com.outageimpact.generate;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.outageimpact.ingest.RejectReason;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;

/**
 * The ground truth under truth/: per-business and per-sector values summed exactly (decimal) in
 * Spark from the same seeded generation that wrote the transactions, plus truth.json with the
 * scenario, the component states and the row counts of every input. Never read by the product.
 */
final class TruthWriter {

  static final String DIR = "truth";

  /**
   * Money in the truth tables: what Spark's sum of MONEY gives, decimal(28,6), so sector totals of
   * very large scenarios cannot overflow.
   */
  static final DecimalType TRUTH_MONEY = DataTypes.createDecimalType(28, 6);

  /** truth/businesses/: one row per valid business. */
  static final StructType BUSINESS_TRUTH = new StructType()
      .add("business_id", DataTypes.StringType, false)
      .add("sector", DataTypes.StringType, false)
      .add("region", DataTypes.StringType, false)
      .add("critical", DataTypes.BooleanType, false)
      .add("affected", DataTypes.BooleanType, false)
      .add("counterfactual_value", TRUTH_MONEY, false)
      .add("actual_value", TRUTH_MONEY, false)
      .add("gross_loss", TRUTH_MONEY, false)
      .add("recovered", TRUTH_MONEY, false)
      .add("net_loss", TRUTH_MONEY, false)
      .add("failed_txns", DataTypes.LongType, false)
      .add("failed_value", TRUTH_MONEY, false)
      .add("downtime_minutes", DataTypes.DoubleType, false)
      .add("availability_pct", DataTypes.DoubleType, false)
      .add("sla_credit", TRUTH_MONEY, false);

  /** truth/sectors/: one row per sector that has businesses. */
  static final StructType SECTOR_TRUTH = new StructType()
      .add("sector", DataTypes.StringType, false)
      .add("businesses", DataTypes.LongType, false)
      .add("affected_businesses", DataTypes.LongType, false)
      .add("critical_affected", DataTypes.LongType, false)
      .add("counterfactual_value", TRUTH_MONEY, false)
      .add("actual_value", TRUTH_MONEY, false)
      .add("gross_loss", TRUTH_MONEY, false)
      .add("recovered", TRUTH_MONEY, false)
      .add("net_loss", TRUTH_MONEY, false)
      .add("failed_txns", DataTypes.LongType, false)
      .add("failed_value", TRUTH_MONEY, false)
      .add("downtime_business_minutes", DataTypes.DoubleType, false)
      .add("sla_credits", TRUTH_MONEY, false)
      .add("counterfactual_sd", DataTypes.DoubleType, false);

  private static final StructType ATTRIBUTES = new StructType()
      .add("business_idx", DataTypes.IntegerType, false)
      .add("business_id", DataTypes.StringType, false)
      .add("sector", DataTypes.StringType, false)
      .add("region", DataTypes.StringType, false)
      .add("critical", DataTypes.BooleanType, false)
      .add("affected", DataTypes.BooleanType, false)
      .add("downtime_seconds", DataTypes.LongType, false)
      .add("availability_pct", DataTypes.DoubleType, false)
      .add("sla_credit", TRUTH_MONEY, false);

  private static final String[] MONEY_SUMS = {
      "counterfactual_value", "gross_loss", "recovered", "actual_value", "failed_value"};
  private static final String[] COUNT_SUMS = {"failed_txns", "written", "duplicates", "lost_txns", "rebound_txns"};

  /** Row counts of the inputs the driver wrote itself. */
  record SmallCounts(long fxRates, long slaTiers, long businessServices, long policies) {}

  private final SparkSession spark;
  private final Scenario scenario;
  private final TableWriter writer;

  TruthWriter(SparkSession spark, Scenario scenario, TableWriter writer) {
    this.spark = spark;
    this.scenario = scenario;
    this.writer = writer;
  }

  ScenarioTruth write(Broadcast<SharedWorld> world, int txnPartitions, int reportPartitions,
      Map<String, List<BadRow>> bad, SmallCounts small) {
    World w = scenario.world();

    // Per business: exact sums from the seeded generation, joined to what the driver knows.
    Dataset<Row> partials = TransactionGenerator.partials(spark, world, txnPartitions);
    List<Column> aggs = new ArrayList<>();
    for (String m : MONEY_SUMS) {
      aggs.add(sum(col(m)).as(m));
    }
    for (String c : COUNT_SUMS) {
      aggs.add(sum(col(c)).as(c));
    }
    Dataset<Row> sums = partials.groupBy("business_idx")
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0]));
    Dataset<Row> attributes = spark.createDataFrame(attributeRows(), ATTRIBUTES);
    Dataset<Row> joined = attributes.join(sums, new String[] {"business_idx"}, "left");
    List<Column> cols = new ArrayList<>(List.of(col("business_id"), col("sector"), col("region"),
        col("critical"), col("affected")));
    for (String m : MONEY_SUMS) {
      cols.add(coalesce(col(m), lit(BigDecimal.ZERO)).cast(TRUTH_MONEY).as(m));
    }
    for (String c : COUNT_SUMS) {
      cols.add(coalesce(col(c), lit(0L)).as(c));
    }
    cols.add(col("downtime_seconds"));
    cols.add(col("availability_pct"));
    cols.add(col("sla_credit"));
    Dataset<Row> business = joined.select(cols.toArray(new Column[0]))
        .withColumn("net_loss", col("gross_loss").minus(col("recovered")).cast(TRUTH_MONEY))
        .withColumn("downtime_minutes", col("downtime_seconds").divide(lit(60.0)))
        .cache();
    try {
      writer.writeTruthTable(DIR + "/businesses", business
          .select(BUSINESS_TRUTH.fieldNames()[0], Arrays.copyOfRange(BUSINESS_TRUTH.fieldNames(), 1,
              BUSINESS_TRUTH.size()))
          .coalesce(1).sortWithinPartitions("business_id"));

      List<Row> sectorSums = business.groupBy("sector").agg(
              count(lit(1)).as("businesses"),
              sum(when(col("affected"), 1L).otherwise(0L)).as("affected_businesses"),
              sum(when(col("affected").and(col("critical")), 1L).otherwise(0L)).as("critical_affected"),
              sum("counterfactual_value").as("counterfactual_value"),
              sum("actual_value").as("actual_value"),
              sum("gross_loss").as("gross_loss"),
              sum("recovered").as("recovered"),
              sum("failed_txns").as("failed_txns"),
              sum("failed_value").as("failed_value"),
              sum("downtime_seconds").as("downtime_seconds"),
              sum("sla_credit").as("sla_credits"),
              sum("written").as("written"),
              sum("duplicates").as("duplicates"),
              sum("lost_txns").as("lost_txns"),
              sum("rebound_txns").as("rebound_txns"))
          .collectAsList();
      double[] variance = counterfactualVariance(w);
      Map<String, Row> bySector = new LinkedHashMap<>();
      for (Row r : sectorSums) {
        bySector.put(r.getAs("sector"), r);
      }
      List<Row> sectorRows = new ArrayList<>();
      Accumulator total = new Accumulator();
      for (int s = 0; s < Catalog.SECTORS.length; s++) {
        Row r = bySector.get(Catalog.SECTORS[s]);
        if (r == null) {
          continue;
        }
        BigDecimal cf = money(r.getAs("counterfactual_value"));
        BigDecimal gross = money(r.getAs("gross_loss"));
        BigDecimal recovered = money(r.getAs("recovered"));
        double downtimeMinutes = ((Number) r.getAs("downtime_seconds")).longValue() / 60.0;
        sectorRows.add(RowFactory.create(Catalog.SECTORS[s], r.getAs("businesses"), r.getAs("affected_businesses"),
            r.getAs("critical_affected"), cf, money(r.getAs("actual_value")), gross, recovered,
            gross.subtract(recovered), r.getAs("failed_txns"), money(r.getAs("failed_value")), downtimeMinutes,
            money(r.getAs("sla_credits")), Math.sqrt(variance[s])));
        total.add(r, variance[s]);
      }
      writer.writeTruthTable(DIR + "/sectors", spark.createDataFrame(sectorRows, SECTOR_TRUTH));

      // Reports: how many of each kind per service and region, from the same seeded generation.
      List<Row> reportCounts = ReportGenerator.counts(spark, world, reportPartitions)
          .groupBy("service_idx", "region_idx")
          .agg(sum("background").as("background"), sum("surge").as("surge"), sum("blip").as("blip"),
              sum("duplicates").as("duplicates"))
          .collectAsList();
      return document(bad, small, total, reportCounts);
    } finally {
      business.unpersist();
    }
  }

  /** Sums over sectors, for the totals and the transaction counts. */
  private static final class Accumulator {
    long businesses;
    long affected;
    long critical;
    BigDecimal cf = zero();
    BigDecimal actual = zero();
    BigDecimal gross = zero();
    BigDecimal recovered = zero();
    long failedTxns;
    BigDecimal failedValue = zero();
    long downtimeSeconds;
    BigDecimal credits = zero();
    double variance;
    long written;
    long duplicates;
    long lost;
    long rebounds;

    void add(Row r, double sectorVariance) {
      businesses += ((Number) r.getAs("businesses")).longValue();
      affected += ((Number) r.getAs("affected_businesses")).longValue();
      critical += ((Number) r.getAs("critical_affected")).longValue();
      cf = cf.add(money(r.getAs("counterfactual_value")));
      actual = actual.add(money(r.getAs("actual_value")));
      gross = gross.add(money(r.getAs("gross_loss")));
      recovered = recovered.add(money(r.getAs("recovered")));
      failedTxns += ((Number) r.getAs("failed_txns")).longValue();
      failedValue = failedValue.add(money(r.getAs("failed_value")));
      downtimeSeconds += ((Number) r.getAs("downtime_seconds")).longValue();
      credits = credits.add(money(r.getAs("sla_credits")));
      variance += sectorVariance;
      written += ((Number) r.getAs("written")).longValue();
      duplicates += ((Number) r.getAs("duplicates")).longValue();
      lost += ((Number) r.getAs("lost_txns")).longValue();
      rebounds += ((Number) r.getAs("rebound_txns")).longValue();
    }
  }

  private static BigDecimal zero() {
    return BigDecimal.ZERO.setScale(6);
  }

  private static BigDecimal money(Object value) {
    return value == null ? zero() : ((BigDecimal) value).setScale(6, RoundingMode.UNNECESSARY);
  }

  /** What the driver knows per business: reliance, downtime, availability and SLA credit. */
  private List<Row> attributeRows() {
    World w = scenario.world();
    OutageSimulation sim = scenario.simulation();
    LocalDate startDate = LocalDate.ofEpochDay(Math.floorDiv(sim.start(), 86400L));
    YearMonth month = YearMonth.from(startDate);
    long monthStart = month.atDay(1).toEpochDay() * 86400L;
    long monthEnd = month.plusMonths(1).atDay(1).toEpochDay() * 86400L;
    Intervals monthWindow = Intervals.of(monthStart, monthEnd);
    List<Row> rows = new ArrayList<>();
    for (Business b : scenario.businesses()) {
      boolean regionHit = w.regionAffected[b.region()];
      boolean affected = false;
      Intervals down = Intervals.EMPTY;
      if (regionHit) {
        for (int svc : b.services()) {
          OutageSimulation.Outcome o = sim.outcome(w.services[svc]);
          affected |= !o.impaired().isEmpty();
          down = down.union(o.down());
        }
      }
      long monthDowntime = down.intersect(monthWindow).measure();
      double availability = 100.0 * (1.0 - (double) monthDowntime / (monthEnd - monthStart));
      rows.add(RowFactory.create(b.index(), b.id(), b.sectorName(), b.regionCode(), b.critical(), affected,
          down.measure(), availability, slaCredit(b, availability)));
    }
    return rows;
  }

  /** Monthly fee x the highest credit_pct among the tier's rows the availability falls below. */
  static BigDecimal slaCredit(Business b, double availability) {
    BigDecimal pct = BigDecimal.ZERO;
    for (Catalog.SlaRow row : Catalog.SLA_ROWS) {
      if (row.tier().equals(b.tier()) && availability < row.belowAvailabilityPct().doubleValue()
          && row.creditPct().compareTo(pct) > 0) {
        pct = row.creditPct();
      }
    }
    return b.monthlyFee().multiply(pct).movePointLeft(2).setScale(6, RoundingMode.UNNECESSARY);
  }

  /**
   * Variance of the counterfactual value per sector that the simulation's own randomness implies
   * over the impaired streams (business x impaired service, from the service's impact start to its
   * recovery + the recovery hours), given the per-day level factor: per stream-hour with the
   * fraction f of the hour in the span, noise-free rate L and per-transaction value moments
   * mu = E[V], m2 = E[V^2] in USD, Var = f L m2 + (f L mu)^2 CV^2 (Poisson count, Gamma noise).
   */
  static double[] counterfactualVariance(World w) {
    double[] variance = new double[Catalog.SECTORS.length];
    double cv2 = TransactionGenerator.NOISE_CV * TransactionGenerator.NOISE_CV;
    long recovery = w.time.windowEnd() - w.time.incidentEnd();
    // Succeeded value per transaction: +A for sales (97%), -A for refunds (2%), 0 for declines (1%).
    double meanSign = 1 - 2 * TransactionGenerator.REFUND_PROBABILITY - TransactionGenerator.DECLINE_PROBABILITY;
    double squareShare = 1 - TransactionGenerator.DECLINE_PROBABILITY;
    for (Business b : w.businesses) {
      if (!w.regionAffected[b.region()]) {
        continue;
      }
      double mu = b.meanTicketUsd() * meanSign;
      double m2 = b.secondMomentTicketUsd() * squareShare;
      for (int j = 0; j < b.services().length; j++) {
        int svc = b.services()[j];
        if (w.impactStart[svc] == World.NEVER) {
          continue;
        }
        long from = w.impactStart[svc];
        long to = w.impactEnd[svc] + recovery;
        long hour = Math.floorDiv(from - w.time.dataStart(), 3600L) * 3600L + w.time.dataStart();
        for (; hour < to; hour += 3600) {
          double f = (Math.min(to, hour + 3600) - Math.max(from, hour)) / 3600.0;
          int day = (int) Math.floorDiv(hour - w.time.dataStart(), 86400L);
          int h = (int) (Math.floorMod(hour - w.time.dataStart(), 86400L) / 3600);
          double lambda = w.rate(b, b.shares()[j], day, h) * w.level(b.index(), day);
          double fl = f * lambda;
          variance[b.sector()] += fl * m2 + fl * mu * fl * mu * cv2;
        }
      }
    }
    return variance;
  }

  private ScenarioTruth document(Map<String, List<BadRow>> bad, SmallCounts small, Accumulator t,
      List<Row> reportCounts) {
    Scenario sc = scenario;
    World w = sc.world();
    OutageSimulation sim = sc.simulation();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("generator", "outage-impact generate (PenLight scenario)");
    doc.put("seed", sc.config().seed());
    doc.put("parameters", sc.config().toMap());
    doc.put("reporting_currency", Catalog.REPORTING_CURRENCY);
    doc.put("data_range", span(w.time.dataStart(), w.time.dataEnd()));
    doc.put("analysis_window", span(w.time.windowStart(), w.time.windowEnd()));

    Map<String, Object> incident = new LinkedHashMap<>();
    incident.put("id", sc.incidentId());
    incident.put("root", sim.root());
    incident.put("start", Iso.utc(sim.start()));
    incident.put("end", Iso.utc(sim.end()));
    incident.put("declared", sc.config().incident());
    incident.put("updates", IncidentTimeline.json(sc.incidentId(), sim.root(), sc.incidentUpdates()).get("updates"));
    doc.put("incident", incident);
    doc.put("outage_regions", sc.config().outageRegions());

    List<Map<String, Object>> components = new ArrayList<>();
    List<ScenarioTruth.Component> typedComponents = new ArrayList<>();
    for (OutageSimulation.Outcome o : sim.outcomes()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", o.id());
      m.put("name", sc.graph().component(o.id()).name());
      m.put("kind", o.kind());
      m.put("state", o.state().code);
      m.put("impact_start", o.impactStart() == null ? null : Iso.utc(o.impactStart()));
      m.put("impact_end", o.impactEnd() == null ? null : Iso.utc(o.impactEnd()));
      m.put("down_minutes", o.down().measure() / 60.0);
      m.put("path", o.path());
      List<Map<String, Object>> windows = new ArrayList<>();
      List<ScenarioTruth.Window> typedWindows = new ArrayList<>();
      for (OutageSimulation.Window win : o.windows()) {
        Map<String, Object> wm = new LinkedHashMap<>();
        wm.put("state", win.state().code);
        wm.put("start", Iso.utc(win.start()));
        wm.put("end", Iso.utc(win.end()));
        windows.add(wm);
        typedWindows.add(new ScenarioTruth.Window(win.state().code, instant(win.start()), instant(win.end())));
      }
      m.put("windows", windows);
      components.add(m);
      typedComponents.add(new ScenarioTruth.Component(o.id(), o.kind(), o.state().code,
          o.impactStart() == null ? null : instant(o.impactStart()),
          o.impactEnd() == null ? null : instant(o.impactEnd()), o.path(), List.copyOf(typedWindows)));
    }
    doc.put("components", components);

    ReportModel.Blip blip = w.reports.blip;
    long[] reportTotals = new long[4];
    Map<String, long[]> perServiceRegion = new LinkedHashMap<>();
    for (Row r : reportCounts) {
      int s = r.getInt(0);
      int region = r.getInt(1);
      long[] v = {r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5)};
      perServiceRegion.put(s + "/" + region, v);
      for (int i = 0; i < 4; i++) {
        reportTotals[i] += v[i];
      }
    }
    if (blip != null) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("service", w.services[blip.service()]);
      b.put("region", Catalog.REGIONS[blip.region()]);
      b.put("start", Iso.utc(blip.start()));
      b.put("end", Iso.utc(blip.end()));
      b.put("multiplier", blip.multiplier());
      long[] v = perServiceRegion.get(blip.service() + "/" + blip.region());
      b.put("excess_reports", v == null ? 0 : v[2]);
      doc.put("blip", b);
    } else {
      doc.put("blip", null);
    }
    List<Map<String, Object>> surges = new ArrayList<>();
    for (int s = 0; s < w.services.length; s++) {
      for (int r = 0; r < Catalog.REGIONS.length; r++) {
        ReportModel.Surge surge = w.reports.surges[s][r];
        if (surge == null) {
          continue;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("service", w.services[s]);
        m.put("region", Catalog.REGIONS[r]);
        m.put("state", sim.outcome(w.services[s]).state().code);
        m.put("reports_from", Iso.utc(surge.starts()[0] + surge.lagSeconds()));
        m.put("impact_end", Iso.utc(surge.ends()[surge.ends().length - 1]));
        m.put("peak_multiplier", surge.peak());
        m.put("degraded_multiplier", surge.degradedPeak());
        m.put("lag_minutes", surge.lagSeconds() / 60.0);
        m.put("decay_minutes", surge.decaySeconds() / 60.0);
        long[] v = perServiceRegion.get(s + "/" + r);
        m.put("excess_reports", v == null ? 0 : v[1]);
        surges.add(m);
      }
    }
    doc.put("report_surges", surges);

    // Inputs: read = accepted + rejected + duplicates.
    Map<String, ScenarioTruth.Input> inputs = new LinkedHashMap<>();
    inputs.put("fx_rates", input(small.fxRates(), List.of(), 0));
    inputs.put("sla_tiers", input(small.slaTiers(), List.of(), 0));
    inputs.put("businesses", input(w.businesses.length, bad.get(BadRowInjector.BUSINESSES), 0));
    inputs.put("business_services", input(small.businessServices(), bad.get(BadRowInjector.BUSINESS_SERVICES), 0));
    inputs.put("policies", input(small.policies(), bad.get(GenerateJob.POLICIES), 0));
    inputs.put("reports", input(reportTotals[0] + reportTotals[1] + reportTotals[2],
        bad.get(BadRowInjector.REPORTS), reportTotals[3]));
    inputs.put("transactions", input(t.written, bad.get(BadRowInjector.TRANSACTIONS), t.duplicates));
    Map<String, Object> inputsDoc = new LinkedHashMap<>();
    for (Map.Entry<String, ScenarioTruth.Input> e : inputs.entrySet()) {
      ScenarioTruth.Input in = e.getValue();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("read", in.read());
      m.put("rejected", in.rejected());
      m.put("rejected_by_reason", in.rejectedByReason());
      m.put("duplicates", in.duplicates());
      m.put("accepted", in.accepted());
      inputsDoc.put(e.getKey(), m);
    }
    doc.put("inputs", inputsDoc);

    ScenarioTruth.Totals totals = new ScenarioTruth.Totals(t.businesses, t.affected, t.critical, t.cf, t.actual,
        t.gross, t.recovered, t.gross.subtract(t.recovered), t.failedTxns, t.failedValue, t.downtimeSeconds / 60.0,
        t.credits, Math.sqrt(t.variance), t.lost, t.rebounds);
    Map<String, Object> totalsDoc = new LinkedHashMap<>();
    totalsDoc.put("businesses", totals.businesses());
    totalsDoc.put("affected_businesses", totals.affectedBusinesses());
    totalsDoc.put("critical_affected", totals.criticalAffected());
    totalsDoc.put("counterfactual_value", totals.counterfactualValue());
    totalsDoc.put("actual_value", totals.actualValue());
    totalsDoc.put("gross_loss", totals.grossLoss());
    totalsDoc.put("recovered", totals.recovered());
    totalsDoc.put("net_loss", totals.netLoss());
    totalsDoc.put("failed_txns", totals.failedTxns());
    totalsDoc.put("failed_value", totals.failedValue());
    totalsDoc.put("downtime_business_minutes", totals.downtimeBusinessMinutes());
    totalsDoc.put("sla_credits", totals.slaCredits());
    totalsDoc.put("counterfactual_sd", totals.counterfactualSd());
    totalsDoc.put("lost_txns", totals.lostTxns());
    totalsDoc.put("rebound_txns", totals.reboundTxns());
    totalsDoc.put("reports_background", reportTotals[0]);
    totalsDoc.put("reports_surge", reportTotals[1]);
    totalsDoc.put("reports_blip", reportTotals[2]);
    doc.put("totals", totalsDoc);
    Map<String, Object> files = new LinkedHashMap<>();
    files.put("sectors", DIR + "/sectors/");
    files.put("businesses", DIR + "/businesses/");
    files.put("policies", DIR + "/policies/");
    doc.put("files", files);

    writer.writeJson(DIR + "/truth.json", doc);
    return new ScenarioTruth(sc.config().out(), sc.incidentId(), sim.root(), instant(sim.start()), instant(sim.end()),
        instant(w.time.windowStart()), instant(w.time.windowEnd()), sc.config().outageRegions(),
        List.copyOf(typedComponents), inputs, totals, doc);
  }

  private static ScenarioTruth.Input input(long valid, List<BadRow> bad, long duplicates) {
    Map<String, Long> byReason = new LinkedHashMap<>();
    for (RejectReason reason : RejectReason.values()) {
      long n = bad.stream().filter(b -> b.reason() == reason).count();
      if (n > 0) {
        byReason.put(reason.code(), n);
      }
    }
    return new ScenarioTruth.Input(valid + bad.size() + duplicates, byReason, duplicates, valid);
  }

  private static Map<String, Object> span(long start, long end) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("start", Iso.utc(start));
    m.put("end", Iso.utc(end));
    return m;
  }

  private static Instant instant(long epochSecond) {
    return Instant.ofEpochSecond(epochSecond);
  }
}
