package com.outageimpact.generate;

import com.outageimpact.common.JobOptions;
import com.outageimpact.common.SparkJobs;
import com.outageimpact.common.StageTimer;
import com.outageimpact.schema.Schemas;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code generate} job: writes a PenLight-style outage scenario (graph, incident, businesses,
 * business services, SLA tiers, FX rates, problem reports, transactions) in the contract's
 * layout, with exact ground truth under {@code truth/}.
 *
 * <p>The large tables are generated inside Spark from small seeded tasks, so the output depends
 * only on the seed and the options, never on partitioning, and nothing row-level is collected.
 */
public final class GenerateJob {

  private static final Logger LOG = LoggerFactory.getLogger(GenerateJob.class);

  /** What a run writes under --out (and replaces on a re-run). */
  static final List<String> ENTRIES = List.of("graph.json", "incident.json", "fx_rates", "sla_tiers",
      "businesses", "business_services", "policies", "reports", "transactions", TruthWriter.DIR);

  /** The policies input's key in the bad-row map. */
  static final String POLICIES = "policies";

  private GenerateJob() {}

  public static JobOptions options() {
    return ScenarioConfig.options();
  }

  public static void main(String[] args) {
    SparkJobs.main("generate", options(), args, GenerateJob::run);
  }

  public static ScenarioTruth run(SparkSession spark, JobOptions options) {
    ScenarioConfig config = ScenarioConfig.from(options);
    StageTimer timer = new StageTimer();
    // Parquet timestamps as a standard TIMESTAMP(MICROS) column rather than legacy INT96; the
    // caller's setting is restored at the end (the session may be shared).
    String timestampConf = "spark.sql.parquet.outputTimestampType";
    String previousTimestampType = spark.conf().get(timestampConf, null);
    spark.conf().set(timestampConf, "TIMESTAMP_MICROS");
    try {
      return generate(spark, config, timer);
    } finally {
      if (previousTimestampType == null) {
        spark.conf().unset(timestampConf);
      } else {
        spark.conf().set(timestampConf, previousTimestampType);
      }
    }
  }

  private static ScenarioTruth generate(SparkSession spark, ScenarioConfig config, StageTimer timer) {
    Scenario scenario;
    try (StageTimer.Stage stage = timer.start("simulate")) {
      scenario = Scenario.build(config);
      stage.count("businesses", scenario.businesses().size())
          .count("days", scenario.timeline().days())
          .count("incident_end", Iso.utc(scenario.simulation().end()));
    }
    World world = scenario.world();
    int defaultParallelism = spark.sparkContext().defaultParallelism();
    int txnPartitions = config.partitions() > 0 ? config.partitions()
        : (int) Math.max(2L * defaultParallelism, (config.transactions() + 499_999) / 500_000);
    int reportPartitions = config.partitions() > 0 ? config.partitions()
        : (int) Math.max(defaultParallelism,
            Math.min(ReportGenerator.taskCount(world), (long) Scenario.expectedReports(world.reports,
                scenario.timeline()) / 500_000 + 1));

    TableWriter writer = new TableWriter(spark, config);
    writer.clear(ENTRIES);
    Map<String, List<BadRow>> bad = new BadRowInjector(config, world).build();
    List<PolicyGenerator.Policy> policies = PolicyGenerator.generate(config.seed(), scenario.businesses());
    bad.put(POLICIES, PolicyGenerator.badRows(config.seed(), scenario.businesses(), config.badRows(), config.text()));
    String outageDate = Iso.date(scenario.simulation().start());
    Broadcast<SharedWorld> broadcast = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(SharedWorld.of(world));
    try {
      TruthWriter.SmallCounts small;
      try (StageTimer.Stage stage = timer.start("small-inputs")) {
        writer.writeJson("graph.json", scenario.graph().toJson());
        if (config.incident()) {
          writer.writeJson("incident.json", IncidentTimeline.json(scenario.incidentId(),
              scenario.simulation().root(), scenario.incidentUpdates()));
        }
        long fx = writer.writeSmallTable(Schemas.FX_RATES, fxRows(), List.of());
        long tiers = writer.writeSmallTable(Schemas.SLA_TIERS, slaRows(), List.of());
        long businesses = writer.writeSmallTable(Schemas.BUSINESSES, businessRows(scenario),
            bad.get(BadRowInjector.BUSINESSES));
        List<String[]> reliance = businessServiceRows(scenario);
        long services = writer.writeSmallTable(Schemas.BUSINESS_SERVICES, reliance,
            bad.get(BadRowInjector.BUSINESS_SERVICES));
        long policyRows = writer.writeSmallTable(Schemas.POLICIES,
            policies.stream().map(PolicyGenerator.Policy::values).toList(), bad.get(POLICIES));
        small = new TruthWriter.SmallCounts(fx, tiers, reliance.size(), policies.size());
        stage.count("fx_rates", fx).count("sla_tiers", tiers).count("businesses", businesses)
            .count("business_services", services).count("policies", policyRows);
      }
      try (StageTimer.Stage stage = timer.start("transactions")) {
        writer.writeLargeTable(Schemas.TRANSACTIONS,
            TransactionGenerator.rows(spark, broadcast, txnPartitions, false),
            TransactionGenerator.rows(spark, broadcast, txnPartitions, true),
            bad.get(BadRowInjector.TRANSACTIONS), outageDate, txnPartitions);
        stage.count("partitions", txnPartitions);
      }
      try (StageTimer.Stage stage = timer.start("reports")) {
        writer.writeLargeTable(Schemas.REPORTS,
            ReportGenerator.rows(spark, broadcast, reportPartitions, false),
            ReportGenerator.rows(spark, broadcast, reportPartitions, true),
            bad.get(BadRowInjector.REPORTS), outageDate, reportPartitions);
        stage.count("partitions", reportPartitions);
      }
      ScenarioTruth truth;
      try (StageTimer.Stage stage = timer.start("truth")) {
        truth = new TruthWriter(spark, scenario, writer).write(broadcast, txnPartitions, reportPartitions, bad, small);
        PolicyTruth.write(spark, scenario, writer, policies, broadcast, txnPartitions);
        stage.count("affected_businesses", truth.totals().affectedBusinesses());
      }
      writer.removeChecksums();
      logSummary(truth);
      return truth;
    } finally {
      broadcast.destroy();
    }
  }

  private static List<String[]> fxRows() {
    List<String[]> rows = new ArrayList<>();
    for (Map.Entry<String, BigDecimal> e : Catalog.FX.entrySet()) {
      rows.add(new String[] {e.getKey(), e.getValue().toPlainString()});
    }
    return rows;
  }

  private static List<String[]> slaRows() {
    List<String[]> rows = new ArrayList<>();
    for (Catalog.SlaRow r : Catalog.SLA_ROWS) {
      rows.add(new String[] {r.tier(), r.belowAvailabilityPct().toPlainString(), r.creditPct().toPlainString()});
    }
    return rows;
  }

  private static List<String[]> businessRows(Scenario scenario) {
    List<String[]> rows = new ArrayList<>();
    for (Business b : scenario.businesses()) {
      rows.add(new String[] {b.id(), b.sectorName(), b.regionCode(), Boolean.toString(b.critical()), b.tier(),
          b.monthlyFee().toPlainString()});
    }
    return rows;
  }

  private static List<String[]> businessServiceRows(Scenario scenario) {
    List<String[]> rows = new ArrayList<>();
    for (Business b : scenario.businesses()) {
      for (int j = 0; j < b.services().length; j++) {
        rows.add(new String[] {b.id(), scenario.world().services[b.services()[j]],
            BigDecimal.valueOf(Math.round(b.shares()[j] * 100), 2).toPlainString()});
      }
    }
    return rows;
  }

  private static void logSummary(ScenarioTruth truth) {
    LOG.info("generated scenario {} in {}: root {}, incident {} .. {}, analysis window {} .. {}",
        truth.incidentId(), truth.outDir(), truth.root(), truth.start(), truth.end(), truth.windowStart(),
        truth.windowEnd());
    for (Map.Entry<String, ScenarioTruth.Input> e : truth.inputs().entrySet()) {
      ScenarioTruth.Input in = e.getValue();
      LOG.info("  {}: read {} = accepted {} + rejected {} {} + duplicates {}", e.getKey(), in.read(), in.accepted(),
          in.rejected(), in.rejectedByReason(), in.duplicates());
    }
    ScenarioTruth.Totals t = truth.totals();
    LOG.info("  truth: {} businesses, {} affected ({} critical); counterfactual {} USD, actual {}, gross loss {}, "
            + "recovered {}, net loss {} (sd {}); {} failed attempts worth {}; {} lost, {} rebounds; "
            + "downtime {} business-minutes; SLA credits {}",
        t.businesses(), t.affectedBusinesses(), t.criticalAffected(), t.counterfactualValue(), t.actualValue(),
        t.grossLoss(), t.recovered(), t.netLoss(), String.format("%.2f", t.counterfactualSd()), t.failedTxns(),
        t.failedValue(), t.lostTxns(), t.reboundTxns(), String.format("%.1f", t.downtimeBusinessMinutes()),
        t.slaCredits());
  }
}
