package com.outageimpact.impact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.outageimpact.Published;
import com.outageimpact.RunJob;
import com.outageimpact.SparkTestSession;
import com.outageimpact.generate.GenerateJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * insured_impact against the generator's truth of what each policy pays, with the net loss's
 * tolerances (ImpactScenarioTest): per sector within max(5% of the truth, 2.5σ), the total within
 * max(2%, 2.5σ), σ the truth's counterfactual noise inside the policies' covers (what the
 * sector's whole loss has is far larger, and would make the test all but unable to fail); triggered
 * exact wherever the true downtime is more than 15 minutes from the waiting period; the parts add
 * up to the net loss. A 10-hour outage, so that waiting periods of 4 to 12 hours fall on both sides.
 * Then the same data without policies: no insured tables, and the summary's insured columns null.
 */
class InsuredImpactScenarioTest {

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  @Test
  void payoutsLandWithinTheNetLossTolerancesAndTriggersAreExact() throws Exception {
    Path data = tmp.resolve("data");
    GenerateJob.run(spark, GenerateJob.options().parse(new String[] {"--out", data.toString(), "--seed", "41",
        "--businesses", "250", "--transactions", "400000", "--outage-minutes", "600", "--bad-rows", "1"}));
    JsonNode manifest = new ObjectMapper().readTree(RunJob.run(spark, RunJob.options().parse(new String[] {
        "--data", data.toString(), "--out", tmp.resolve("out").toString()})));
    JsonNode policyCounts = manifest.get("inputs").get("policies");
    assertEquals(policyCounts.get("read").asLong(), policyCounts.get("accepted").asLong()
        + policyCounts.get("rejected").asLong() + policyCounts.get("duplicates").asLong(), "policies reconcile");
    assertTrue(manifest.get("outputs").toString().contains("insured_impact"), manifest.get("outputs").toString());

    Dataset<Row> truthPolicies = csv(data.resolve("truth/policies"));
    Map<String, Row> policyByBusiness = new HashMap<>();
    for (Row r : truthPolicies.collectAsList()) {
      policyByBusiness.put(r.getAs("business_id"), r);
    }
    Dataset<Row> insured = spark.read().parquet(Published.table(tmp.resolve("out"), "insured_impact"));
    Map<String, Row> netByBusiness = new HashMap<>();
    for (Row r : spark.read().parquet(Published.table(tmp.resolve("out"), "business_impact")).collectAsList()) {
      netByBusiness.put(r.getAs("business_id"), r);
    }
    List<Row> rows = insured.collectAsList();
    assertEquals(netByBusiness.size(), rows.size(), "one row per business");
    int triggerChecked = 0;
    int triggered = 0;
    for (Row e : rows) {
      String id = e.getAs("business_id");
      Row t = policyByBusiness.get(id);
      assertEquals(t != null, e.<Boolean>getAs("insured"), id + " insured");
      double net = e.getAs("net_loss");
      assertEquals(netByBusiness.get(id).<Double>getAs("net_loss"), net, 1e-9, id + " net loss as business_impact");
      double parts = e.<Double>getAs("insured_loss") + e.<Double>getAs("retained_loss") + e.<Double>getAs("uninsured_loss");
      assertEquals(net, parts, 1e-6 * Math.max(1, Math.abs(net)), id + ": insured + retained + uninsured");
      assertTrue(e.<Double>getAs("insured_loss_low") <= e.<Double>getAs("insured_loss")
          && e.<Double>getAs("insured_loss") <= e.<Double>getAs("insured_loss_high"), id + " payout interval");
      if (t == null) {
        assertEquals(0.0, e.<Double>getAs("insured_loss"), id);
        assertEquals(net, e.<Double>getAs("uninsured_loss"), id);
        continue;
      }
      double margin = Math.abs(((Number) t.getAs("downtime_minutes")).doubleValue()
          - 60 * ((Number) t.getAs("waiting_period_hours")).doubleValue());
      if (margin > 15) {
        assertEquals(t.<Boolean>getAs("triggered"), e.<Boolean>getAs("triggered"), id + " triggered, " + t);
        triggerChecked++;
      }
      triggered += t.<Boolean>getAs("triggered") ? 1 : 0;
      if (!e.<Boolean>getAs("triggered")) {
        assertEquals(0.0, e.<Double>getAs("insured_loss"), id + " pays nothing untriggered");
      }
    }
    assertTrue(triggered > 10 && triggered < policyByBusiness.size() - 10,
        triggered + " of " + policyByBusiness.size() + " policies triggered: both sides needed");
    System.out.printf("insured: %d policies, %d triggered, trigger checked on %d%n", policyByBusiness.size(),
        triggered, triggerChecked);

    Map<String, Row> sectorTruth = new HashMap<>();
    for (Row r : csv(data.resolve("truth/sectors")).collectAsList()) {
      sectorTruth.put(r.getAs("sector"), r);
    }
    Map<String, Row> payoutTruth = new HashMap<>();
    for (Row r : truthPolicies.groupBy("sector").agg(functions.sum("payout").as("payout"),
        functions.sum("covered_loss").as("covered_loss"),
        functions.sqrt(functions.sum(functions.pow(functions.col("covered_sd"), 2))).as("covered_sd"))
        .collectAsList()) {
      payoutTruth.put(r.getAs("sector"), r);
    }
    List<String> failures = new ArrayList<>();
    StringBuilder report = new StringBuilder();
    int covered = 0;
    double totalPayout = 0;
    for (Row e : spark.read().parquet(Published.table(tmp.resolve("out"), "insured_sector_impact")).collectAsList()) {
      String sector = e.getAs("sector");
      Row truth = payoutTruth.get(sector);
      // The noise of what the policies see, not of the sector's whole loss: a payout moves at most
      // as much as the loss inside the cover does (a parametric one not at all).
      double sd = truth == null ? 0 : number(truth, "covered_sd");
      for (String[] pair : new String[][] {{"insured_loss", "payout"}, {"covered_loss", "covered_loss"}}) {
        double trueValue = truth == null ? 0 : number(truth, pair[1]);
        double value = e.getAs(pair[0]);
        double tolerance = Math.max(0.05 * Math.abs(trueValue), 2.5 * sd);
        report.append(String.format("  %-20s %-13s %12.2f true %12.2f error %+10.2f (%.2f σ) tolerance %10.2f"
                + " interval %.2f .. %.2f%n", sector, pair[0], value, trueValue, value - trueValue,
            sd > 0 ? (value - trueValue) / sd : 0, tolerance, e.<Double>getAs(pair[0] + "_low"),
            e.<Double>getAs(pair[0] + "_high")));
        if (Math.abs(value - trueValue) > tolerance) {
          failures.add(sector + " " + pair[0]);
        }
        if (pair[0].equals("insured_loss")) {
          covered += trueValue >= e.<Double>getAs("insured_loss_low") && trueValue <= e.<Double>getAs("insured_loss_high")
              ? 1 : 0;
          totalPayout += trueValue;
        }
      }
    }
    Row summary = spark.read().parquet(Published.table(tmp.resolve("out"), "incident_summary")).first();
    double totalError = summary.<Double>getAs("insured_loss") - totalPayout;
    double totalSd = Math.sqrt(truthPolicies.agg(functions.sum(functions.pow(functions.col("covered_sd"), 2)))
        .first().getDouble(0));
    double totalTolerance = Math.max(0.02 * totalPayout, 2.5 * totalSd);
    report.append(String.format("  total insured %.2f true %.2f error %+.2f tolerance %.2f; share %.3f of net %.2f;"
            + " sectors whose interval holds the truth: %d%n", summary.<Double>getAs("insured_loss"), totalPayout,
        totalError, totalTolerance, summary.<Double>getAs("insured_share"), summary.<Double>getAs("net_loss"), covered));
    System.out.print(report);
    if (Math.abs(totalError) > totalTolerance) {
      failures.add("total insured loss");
    }
    assertTrue(failures.isEmpty(), failures + " out of tolerance:\n" + report);
    assertEquals(summary.<Double>getAs("net_loss"), summary.<Double>getAs("insured_loss")
        + summary.<Double>getAs("retained_loss") + summary.<Double>getAs("uninsured_loss"),
        1e-6 * Math.abs(summary.<Double>getAs("net_loss")), "the summary's parts add up");
    assertEquals((long) policyByBusiness.size(), summary.<Long>getAs("insured_businesses"));

    // The same data without policies: the run works, and publishes no insured tables.
    deleteTree(data.resolve("policies"));
    JsonNode without = new ObjectMapper().readTree(RunJob.run(spark, RunJob.options().parse(new String[] {
        "--data", data.toString(), "--out", tmp.resolve("out-without").toString()})));
    assertFalse(without.get("inputs").has("policies"));
    assertEquals("not published: no policies input", without.get("insured_impact").asText());
    assertFalse(Files.exists(Path.of(Published.table(tmp.resolve("out-without"), "insured_impact"))));
    Row bare = spark.read().parquet(Published.table(tmp.resolve("out-without"), "incident_summary")).first();
    assertNull(bare.getAs("insured_loss"));
    assertEquals(summary.<Double>getAs("net_loss"), bare.<Double>getAs("net_loss"), 1e-6, "the net loss is unchanged");
  }

  private Dataset<Row> csv(Path folder) {
    return spark.read().option("header", true).option("inferSchema", true).csv(folder.toString());
  }

  private static double number(Row r, String column) {
    return ((Number) r.getAs(column)).doubleValue();
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
