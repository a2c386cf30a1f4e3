package com.outageimpact.impact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.outageimpact.Published;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.outageimpact.RunJob;
import com.outageimpact.SparkTestSession;
import com.outageimpact.detect.RunWindows;
import com.outageimpact.generate.GenerateJob;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full run's money on generated scenarios, against the generator's exact truth. With σ the
 * truth's noise standard deviation (what no counterfactual could have known): every sector's net
 * loss within max(5% of the truth, 2.5σ), the total within max(2%, 2.5σ); affected and critical
 * counts, failed attempts and SLA credits exact.
 */
class ImpactScenarioTest {

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  /**
   * Everywhere, in one region and in a subset of regions: the footprint (scope and regions) as
   * generated; outside it no business is affected, down or owed a credit. In the three-region
   * case Brazil's reports are removed before the run ({@code unreported}): its businesses'
   * failed transactions alone must place it.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "default outage, 250 businesses; global; ; ; --seed 31 --businesses 250 --transactions 400000",
      "2-hour outage, more rebound; global; ; ; --seed 32 --businesses 150 --transactions 250000"
          + " --outage-minutes 120 --rebound-scale 1.5 --outage-start 2021-10-05T10:20:00Z",
      "one region (DE); regional; DE; ; --seed 33 --businesses 250 --transactions 400000 --outage-regions DE"
          + " --outage-minutes 240",
      "three regions (US, BR, IN), no reports from BR; multi_region; BR,IN,US; BR; --seed 35 --businesses 250"
          + " --transactions 400000 --outage-regions US,BR,IN --root dns --outage-start 2021-10-09T13:20:00Z",
  })
  void sectorLossesLandWithinTheirToleranceAndCountsAreExact(String name, String scope, String regions,
      String unreported, String args) throws Exception {
    List<String> generate = new ArrayList<>(List.of("--out", tmp.resolve("data").toString(), "--bad-rows", "1"));
    generate.addAll(List.of(args.trim().split(" ")));
    GenerateJob.run(spark, GenerateJob.options().parse(generate.toArray(String[]::new)));
    List<String> run = new ArrayList<>(List.of("--data", tmp.resolve("data").toString(),
        "--out", tmp.resolve("out").toString()));
    if (unreported != null) {
      // The generator's CSV reports as text, less one region's rows, in the same date partitions.
      String reports = tmp.resolve("reports-without-" + unreported).toString();
      spark.read().option("header", true).csv(tmp.resolve("data/reports").toString())
          .filter(functions.col("region").isNull().or(functions.col("region").notEqual(unreported)))
          .write().option("header", true).partitionBy("date").csv(reports);
      run.addAll(List.of("--reports", reports));
    }
    JsonNode manifest = new ObjectMapper().readTree(RunJob.run(spark, RunJob.options().parse(
        run.toArray(String[]::new))));
    // The stages after ingestion read one kept projection of the transactions: one row per
    // accepted transaction, no more (a lost de-duplication) and no fewer.
    JsonNode prepared = null;
    for (JsonNode stage : manifest.get("stages")) {
      prepared = "prepare.transactions".equals(stage.get("name").asText()) ? stage : prepared;
    }
    assertTrue(prepared != null, name + ": no prepare.transactions stage in " + manifest.get("stages"));
    assertEquals(manifest.get("inputs").get("transactions").get("accepted").asLong(),
        prepared.get("counts").get("accepted").asLong(), name + ": kept transactions");
    // Transactions are read for the dates the incident needs (the generator partitions by date).
    assertTrue(manifest.get("inputs").get("transactions").has("dates"), name + ": " + manifest.get("inputs"));

    Map<String, Row> truth = new HashMap<>();
    for (Row r : spark.read().option("header", true).option("inferSchema", true)
        .csv(tmp.resolve("data/truth/sectors").toString()).collectAsList()) {
      truth.put(r.getAs("sector"), r);
    }
    List<Row> estimated = spark.read().parquet(Published.table(tmp.resolve("out"), "sector_impact")).collectAsList();
    assertEquals(truth.keySet().size(), estimated.size(), name + ": sectors");
    StringBuilder report = new StringBuilder(name + "\n");
    List<String> failures = new ArrayList<>();
    for (Row e : estimated) {
      String sector = e.getAs("sector");
      Row t = truth.get(sector);
      double trueNet = number(t, "net_loss");
      double sd = number(t, "counterfactual_sd");
      double error = e.<Double>getAs("net_loss") - trueNet;
      double tolerance = Math.max(0.05 * Math.abs(trueNet), 2.5 * sd);
      report.append(String.format("  %-20s net %12.2f true %12.2f error %+10.2f (%.2f σ) tolerance %10.2f%n",
          sector, e.<Double>getAs("net_loss"), trueNet, error, sd > 0 ? error / sd : 0, tolerance));
      if (Math.abs(error) > tolerance) {
        failures.add(sector + " net loss");
      }
      assertEquals(number(t, "affected_businesses"), ((Number) e.getAs("affected_businesses")).doubleValue(), sector);
      assertEquals(number(t, "critical_affected"), ((Number) e.getAs("critical_affected")).doubleValue(), sector);
      assertEquals(number(t, "failed_txns"), ((Number) e.getAs("failed_txns")).doubleValue(), sector);
      assertEquals(number(t, "sla_credits"), e.<Double>getAs("sla_credits"), 1e-6, sector + " SLA credits");
    }
    JsonNode totals = new ObjectMapper().readTree(tmp.resolve("data/truth/truth.json").toFile()).get("totals");
    Row summary = spark.read().parquet(Published.table(tmp.resolve("out"), "incident_summary")).first();
    assertEquals(scope, summary.getAs("scope"), name + ": scope, regions " + summary.getAs("regions"));
    if (regions != null) {
      assertEquals(regions, summary.getAs("regions"), name + ": regions");
    }
    checkBusinesses(name);
    // The generator writes more than four weeks before the outage: every baseline week is covered.
    assertEquals(4, summary.<Integer>getAs("baseline_weeks_used"), name + ": baseline weeks used");
    assertEquals(4, manifest.get("baseline_weeks_used").get(summary.<String>getAs("incident_id")).asInt(),
        name + ": manifest " + manifest.get("baseline_weeks_used"));
    double trueTotal = totals.get("net_loss").asDouble();
    double totalError = summary.<Double>getAs("net_loss") - trueTotal;
    double totalTolerance = Math.max(0.02 * Math.abs(trueTotal), 2.5 * totals.get("counterfactual_sd").asDouble());
    report.append(String.format("  total net %.2f true %.2f error %+.2f tolerance %.2f%n",
        summary.<Double>getAs("net_loss"), trueTotal, totalError, totalTolerance));
    System.out.print(report);
    if (Math.abs(totalError) > totalTolerance) {
      failures.add("total net loss");
    }
    assertTrue(failures.isEmpty(), failures + " out of tolerance:\n" + report);
    checkTimeline(name, summary, new ObjectMapper().readTree(tmp.resolve("data/truth/truth.json").toFile()));
    List<String> windowProblems = RunWindows.problems(spark, tmp.resolve("data"), tmp.resolve("out"),
        new ObjectMapper().readTree(tmp.resolve("data/truth/truth.json").toFile()));
    assertTrue(windowProblems.isEmpty(), name + ": windows " + windowProblems);
    checkBreakdown(name, summary, 2.5 * totals.get("counterfactual_sd").asDouble());
  }

  /**
   * Per business against the truth: affected exactly; down (any downtime) exactly, so that outside
   * the footprint nobody is; the downtime itself within the detected windows' bounds (10 minutes
   * on the start, 30 on the end: {@link RunWindows}); the SLA credit exactly.
   */
  private void checkBusinesses(String name) {
    Map<String, Row> truth = new HashMap<>();
    for (Row r : spark.read().option("header", true).option("inferSchema", true)
        .csv(tmp.resolve("data/truth/businesses").toString()).collectAsList()) {
      truth.put(r.getAs("business_id"), r);
    }
    List<Row> estimated = spark.read().parquet(Published.table(tmp.resolve("out"), "business_impact")).collectAsList();
    assertEquals(truth.size(), estimated.size(), name + ": businesses");
    double worst = 0;
    double downtime = 0;
    double trueDowntime = 0;
    for (Row e : estimated) {
      Row t = truth.get(e.<String>getAs("business_id"));
      String what = name + ": business " + e.getAs("business_id") + " in " + e.getAs("region");
      assertEquals(t.<Boolean>getAs("affected"), e.<Boolean>getAs("affected"), what + " affected");
      double down = e.<Double>getAs("downtime_minutes");
      double trueDown = number(t, "downtime_minutes");
      assertEquals(trueDown > 0, down > 0, what + " down " + down + " against " + trueDown);
      worst = Math.max(worst, Math.abs(down - trueDown));
      downtime += down;
      trueDowntime += trueDown;
      assertEquals(number(t, "sla_credit"), e.<Double>getAs("sla_credit"), 1e-6, what + " SLA credit");
    }
    System.out.printf("  downtime: %.1f business-minutes, true %.1f (%+.2f%%), worst business %.1f minutes off%n",
        downtime, trueDowntime, 100 * (downtime - trueDowntime) / trueDowntime, worst);
    assertTrue(worst <= 40, name + ": a business's downtime " + worst + " minutes off");
  }

  /**
   * impact_breakdown: each dimension adds up to the incident's totals; the sector rows are the
   * sector table; by region and critical flag the exact columns match the truth's businesses and
   * the net loss lands within max(5%, 2.5σ of the total, which bounds each part's σ); services
   * that stayed up have no loss and no affected business.
   */
  private void checkBreakdown(String name, Row summary, double totalTolerance) {
    org.apache.spark.sql.Dataset<Row> breakdown = spark.read().parquet(Published.table(tmp.resolve("out"), "impact_breakdown"));
    org.apache.spark.sql.Dataset<Row> businesses = spark.read().parquet(Published.table(tmp.resolve("out"), "business_impact"));
    Row all = businesses.agg(functions.sum("expected_value"), functions.sum("failed_txns")).first();
    for (String dimension : List.of("sector", "region", "critical", "service")) {
      Row sums = breakdown.filter(functions.col("dimension").equalTo(dimension))
          .agg(functions.sum("net_loss"), functions.sum("expected_value"), functions.sum("failed_txns")).first();
      double scale = Math.abs(all.getDouble(0));
      assertEquals(summary.<Double>getAs("net_loss"), sums.getDouble(0), 1e-6 * scale, name + ": " + dimension + " net loss");
      assertEquals(all.getDouble(0), sums.getDouble(1), 1e-6 * scale, name + ": " + dimension + " expected value");
      assertEquals(all.getLong(1), sums.getLong(2), name + ": " + dimension + " failed attempts");
    }
    for (Row sector : spark.read().parquet(Published.table(tmp.resolve("out"), "sector_impact")).collectAsList()) {
      Row row = breakdown.filter(functions.col("dimension").equalTo("sector")
          .and(functions.col("key").equalTo(sector.<String>getAs("sector")))).first();
      for (String column : List.of("businesses", "affected_businesses", "net_loss", "net_loss_low", "sla_credits")) {
        double expected = ((Number) sector.getAs(column)).doubleValue();
        assertEquals(expected, ((Number) row.getAs(column)).doubleValue(), 1e-9 * Math.max(1, Math.abs(expected)),
            name + ": sector row " + column);
      }
    }

    org.apache.spark.sql.Dataset<Row> truth = spark.read().option("header", true).option("inferSchema", true)
        .csv(tmp.resolve("data/truth/businesses").toString());
    for (String dimension : List.of("region", "critical")) {
      Map<String, Row> truthByKey = new HashMap<>();
      for (Row r : truth.groupBy(functions.col(dimension).cast("string").as("key")).agg(
          functions.count(functions.when(functions.col("affected"), 1)).as("affected_businesses"),
          functions.count(functions.when(functions.col("affected").and(functions.col("critical")), 1))
              .as("critical_affected"),
          functions.sum("failed_txns").as("failed_txns"), functions.sum("sla_credit").as("sla_credits"),
          functions.sum("net_loss").as("net_loss")).collectAsList()) {
        truthByKey.put(r.getAs("key"), r);
      }
      List<Row> rows = breakdown.filter(functions.col("dimension").equalTo(dimension)).collectAsList();
      assertEquals(truthByKey.size(), rows.size(), name + ": " + dimension + " keys");
      for (Row e : rows) {
        String key = e.getAs("key");
        Row t = truthByKey.get(key);
        String what = name + ": " + dimension + " " + key;
        assertEquals(number(t, "affected_businesses"), number(e, "affected_businesses"), what + " affected");
        assertEquals(number(t, "critical_affected"), number(e, "critical_affected"), what + " critical affected");
        assertEquals(number(t, "failed_txns"), number(e, "failed_txns"), what + " failed attempts");
        assertEquals(number(t, "sla_credits"), number(e, "sla_credits"), 1e-6, what + " SLA credits");
        double trueNet = number(t, "net_loss");
        double tolerance = Math.max(0.05 * Math.abs(trueNet), totalTolerance);
        assertEquals(trueNet, number(e, "net_loss"), tolerance, what + " net loss");
      }
    }

    List<String> up = new ArrayList<>();
    for (Row r : spark.read().parquet(Published.table(tmp.resolve("out"), "service_impact"))
        .filter(functions.col("state").equalTo("up")).select("component").collectAsList()) {
      up.add(r.getString(0));
    }
    Row unhit = breakdown.filter(functions.col("dimension").equalTo("service")
            .and(functions.col("key").isNull().or(functions.col("key").isin(up.toArray()))))
        .agg(functions.sum(functions.abs(functions.col("net_loss"))), functions.sum("affected_businesses")).first();
    assertEquals(0.0, unhit.isNullAt(0) ? 0.0 : unhit.getDouble(0), 1e-9, name + ": loss on services that stayed up");
    assertEquals(0L, unhit.isNullAt(1) ? 0L : unhit.getLong(1), name + ": affected through services that stayed up");
  }

  /**
   * The timeline's transaction columns, by their own aggregation, agree with the business table
   * over the analysis window (actual value; expected minus actual is the net loss), and its
   * components_down peaks at the number of components the truth has down.
   */
  private void checkTimeline(String name, Row summary, JsonNode truth) {
    java.sql.Timestamp start = summary.getAs("start");
    java.sql.Timestamp end = summary.getAs("end");
    java.sql.Timestamp windowStart = java.sql.Timestamp.from(start.toInstant().minus(com.outageimpact.detect.AnalysisWindow.PAD));
    java.sql.Timestamp windowEnd = java.sql.Timestamp.from(end.toInstant().plusSeconds(6 * 3600));
    org.apache.spark.sql.Dataset<Row> timeline = spark.read().parquet(Published.table(tmp.resolve("out"), "timeline"));
    Row window = timeline.filter(functions.col("bucket_start").geq(windowStart)
            .and(functions.col("bucket_start").lt(windowEnd)))
        .agg(functions.sum("txn_value"), functions.sum(functions.col("expected_txn_value").minus(functions.col("txn_value"))),
            functions.count(functions.when(functions.col("expected_txn_value_low").gt(functions.col("expected_txn_value"))
                .or(functions.col("expected_txn_value_high").lt(functions.col("expected_txn_value"))), 1)))
        .first();
    Row businesses = spark.read().parquet(Published.table(tmp.resolve("out"), "business_impact"))
        .agg(functions.sum("actual_value")).first();
    double actual = businesses.getDouble(0);
    assertEquals(actual, window.getDouble(0), 1e-6 * Math.abs(actual), name + ": timeline actual value");
    double net = summary.<Double>getAs("net_loss");
    assertEquals(net, window.getDouble(1), 1e-6 * Math.abs(actual), name + ": timeline expected - actual");
    assertEquals(0L, window.getLong(2), name + ": expected outside its own interval");

    long trulyDown = 0;
    for (JsonNode c : truth.get("components")) {
      trulyDown += "down".equals(c.get("state").asText()) ? 1 : 0;
    }
    Row down = timeline.agg(functions.max("components_down"), functions.min("components_down"),
        functions.count(functions.when(functions.col("components_down").isNull(), 1))).first();
    assertEquals(trulyDown, down.getInt(0), name + ": components down at the peak");
    assertEquals(0, down.getInt(1), name + ": components down before and after");
    assertEquals(0L, down.getLong(2), name + ": buckets without components_down");
  }

  private static double number(Row r, String column) {
    return ((Number) r.getAs(column)).doubleValue();
  }
}
