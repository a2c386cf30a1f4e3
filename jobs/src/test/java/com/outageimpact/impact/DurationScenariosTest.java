package com.outageimpact.impact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.outageimpact.Published;
import com.outageimpact.RunJob;
import com.outageimpact.SparkTestSession;
import com.outageimpact.generate.GenerateJob;
import com.outageimpact.schema.Schemas;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * duration_scenarios against the truth of the same world with the outage cut to half and
 * stretched to twice its length (the generator's counterfactual does not depend on the outage):
 * the total within issue #21's max(10% of the truth, 2.5 SD), SD the truth's counterfactual noise at
 * that duration, and its ratio to the observed duration's within 15% of the truth's (that 2.5 SD is
 * wide on a scenario this small; the ratio is the model's own part); sectors printed; beyond twice
 * the observed duration, flagged extrapolated; the total insured loss at each duration within
 * max(10%, 2.5 SD of the covers' noise) of that run's truth/policies. One seed, in CI; the ten seeds issue #21
 * asks for are InsuredDurationEvaluation's (docs/impact.md).
 */
class DurationScenariosTest {

  /**
   * The total's growth with duration against the truth's: measured +7.6% at half, +6.4% at double
   * (seed 43; +11.5% and +5.7% with one window from the detected start, weighted by value alone).
   */
  private static final double RATIO_TOLERANCE = 0.15;

  /** 10:00 UTC, a Monday: the detected start of the hand-made scenarios. */
  private static final Instant ORIGIN = Instant.parse("2021-10-04T10:00:00Z");

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  /**
   * A shorter outage keeps its share of the measured net loss, whatever its sign; a longer one grows
   * a positive measured loss with the scenario's value, and leaves a negative one (more came back
   * than was lost) as measured rather than growing it more negative.
   */
  @Test
  void aNegativeMeasuredNetLossIsNotGrownByALongerOutage() {
    assertEquals(300.0, DurationScenarios.atDuration(100, 3), 1e-9);
    assertEquals(50.0, DurationScenarios.atDuration(100, 0.5), 1e-9);
    assertEquals(-100.0, DurationScenarios.atDuration(-100, 3), 1e-9);
    assertEquals(-50.0, DurationScenarios.atDuration(-100, 0.5), 1e-9);
    assertEquals(-100.0, DurationScenarios.atDuration(-100, 1), 1e-9);
    assertEquals(0.0, DurationScenarios.atDuration(0, 3), 1e-9);
    // Increasing in the measured loss at any ratio, so an interval's ends map to the scenario's.
    for (double ratio : new double[] {0, 0.5, 1, 2, 8}) {
      double previous = Double.NEGATIVE_INFINITY;
      for (double measured = -1000; measured <= 1000; measured += 50) {
        double scenario = DurationScenarios.atDuration(measured, ratio);
        assertTrue(scenario >= previous, "at ratio " + ratio + ", " + measured);
        previous = scenario;
      }
    }
  }

  /**
   * A service the cascade does not tie to the root (it failed and recovered on its own, or its
   * window is a false one) keeps its span at every duration; only the root's dependents recover
   * later in a longer outage. One business, two services with the same value in every quarter-hour
   * of the baseline weeks and half of the sector's loss each: the explained one impaired for the
   * hour observed, the unexplained one for 15 minutes of it. At two hours the first carries twice
   * its value and the second the same, a ratio of 1.5; moved too, the second's 15 minutes would
   * become 75 and the ratio 3.5.
   */
  @Test
  void anUnexplainedServiceKeepsItsSpanInALongerOutage() {
    Map<String, Instant[]> spans = new LinkedHashMap<>();
    spans.put("explained", new Instant[] {ORIGIN, ORIGIN.plus(Duration.ofHours(1))});
    spans.put("unexplained", new Instant[] {ORIGIN.plus(Duration.ofMinutes(30)), ORIGIN.plus(Duration.ofMinutes(45))});
    Row retail = DurationScenarios.compute(spark, twoHitStreams(), oneBusiness(), retailSector(),
            baselineTransactions(12), spans, Set.of("unexplained"), ORIGIN, 1.0, new double[] {2.0}, 2, null, null,
            "i1")
        .filter(functions.col("sector").equalTo("retail")).first();
    assertEquals(1500.0, retail.<Double>getAs("net_loss"), 1e-6);
  }

  /**
   * An unexplained service that was down keeps its downtime at every duration in what the policies
   * pay too. Observed for two hours: the explained service down from 10:00 to 12:00, the unexplained
   * one from 10:30 to 11:30; a parametric policy pays 100 an hour past a half-hour wait. Had the
   * outage lasted one hour, the business would still have been down from 10:00 to 11:30 (1.5 hours,
   * paying 100; moved with the root, 1 hour and 50); at half an hour, 10:00 to 10:30 and 10:30 to
   * 11:30 (100 again; moved, nothing); at four hours, 10:00 to 14:00 (350 either way).
   */
  @Test
  void anUnexplainedDownServiceKeepsItsDowntimeInWhatThePoliciesPay() {
    Map<String, Instant[]> spans = new LinkedHashMap<>();
    spans.put("explained", new Instant[] {ORIGIN, ORIGIN.plus(Duration.ofHours(2))});
    spans.put("unexplained", new Instant[] {ORIGIN.plus(Duration.ofMinutes(30)), ORIGIN.plus(Duration.ofMinutes(90))});
    Map<Double, Double> insured = retailInsuredLoss(spans, baselineTransactions(16), 2.0, new double[] {0.5, 1.0, 4.0},
        downIntervals(new long[] {0, 7200}, new long[] {1800, 5400}), "parametric", 0.5, new BigDecimal("100"));
    assertEquals(100.0, insured.get(0.5), 1e-6, "10:00-10:30 and 10:30-11:30");
    assertEquals(100.0, insured.get(1.0), 1e-6, "10:00-11:30");
    assertEquals(350.0, insured.get(4.0), 1e-6, "10:00-14:00");
  }

  /**
   * A cover has the gaps the business's downtime has, at every duration, as in insured_impact.
   * Observed for three hours: the explained service down from 10:00 to 11:00, the unexplained one
   * from 12:00 to 13:00; the baseline carries 100 a quarter-hour on each service until noon and 300
   * after; an indemnity policy waits an hour and a half. Each service carries half of retail's net
   * loss of 1,000 over its observed hour: 1.25 per unit of the explained service's value, 500 / 1,200
   * of the unexplained one's. At three hours the cover is 12:30 to 13:00: 2 quarter-hours x 300 x
   * (1.25 + 5 / 12) = 1,000 (one span from the first down instant would put it at 11:30 to 12:00,
   * where the business was up: 333.33). At two hours the explained interval is gone and the hour
   * left does not reach the wait; at four the downtime is 10:00 to 13:00 without a gap, its cover
   * 11:30 to 13:00: 333.33 + 2,000.
   */
  @Test
  void aCoverKeepsTheGapsOfTheDowntimeAtEveryDuration() {
    Map<String, Instant[]> spans = new LinkedHashMap<>();
    spans.put("explained", new Instant[] {ORIGIN, ORIGIN.plus(Duration.ofHours(1))});
    spans.put("unexplained", new Instant[] {ORIGIN.plus(Duration.ofHours(2)), ORIGIN.plus(Duration.ofHours(3))});
    Map<Double, Double> insured = retailInsuredLoss(spans, baselineTransactions(16, quarter -> quarter < 8 ? 100 : 300),
        3.0, new double[] {2.0, 3.0, 4.0}, downIntervals(new long[] {0, 3600}, new long[] {7200, 10800}), "indemnity",
        1.5, null);
    assertEquals(0.0, insured.get(2.0), 1e-6, "10:00-10:00 and 12:00-13:00");
    assertEquals(1000.0, insured.get(3.0), 1e-6, "10:00-11:00 and 12:00-13:00");
    assertEquals(1000.0 / 3 + 2000.0, insured.get(4.0), 1e-6, "10:00-12:00 and 12:00-13:00");
  }

  /**
   * b1's down intervals, seconds from the origin: the explained service's (it moves with the root's
   * repair), then the unexplained one's (it stays).
   */
  private Dataset<Row> downIntervals(long[] explained, long[] unexplained) {
    StructType interval = new StructType().add("down_start", "long").add("down_end", "long")
        .add("boundary_sd", "double").add("moves", "boolean");
    long at = ORIGIN.getEpochSecond();
    return spark.createDataFrame(List.of(RowFactory.create("b1", List.of(
            RowFactory.create(at + explained[0], at + explained[1], 0.0, true),
            RowFactory.create(at + unexplained[0], at + unexplained[1], 0.0, false)))),
        new StructType().add("business_id", "string").add("intervals", DataTypes.createArrayType(interval)));
  }

  /**
   * Retail's insured loss at each duration, with one policy of b1's ({@code kind}, waiting
   * {@code waitingHours}, paying {@code perHour} an hour when parametric), the unexplained service
   * staying put.
   */
  private Map<Double, Double> retailInsuredLoss(Map<String, Instant[]> spans, Dataset<Row> baseline,
      double observedHours, double[] durations, Dataset<Row> down, String kind, double waitingHours,
      BigDecimal perHour) {
    Dataset<Row> policies = spark.createDataFrame(List.of(RowFactory.create("p1", "b1", kind, waitingHours, null, null,
            perHour)),
        new StructType().add("policy_id", "string").add("business_id", "string").add("kind", "string")
            .add("waiting_period_hours", "double").add("retention_reporting", Schemas.MONEY)
            .add("limit_reporting", Schemas.MONEY).add("payout_per_hour_reporting", Schemas.MONEY));
    Map<Double, Double> insured = new HashMap<>();
    for (Row r : DurationScenarios.compute(spark, twoHitStreams(), oneBusiness(), retailSector(), baseline, spans,
            Set.of("unexplained"), ORIGIN, observedHours, durations, 2, InsuredImpact.covers(policies, down), down, "i1")
        .filter(functions.col("sector").equalTo("retail")).collectAsList()) {
      insured.put(r.<Double>getAs("duration_hours"), r.<Double>getAs("insured_loss"));
    }
    return insured;
  }

  /** b1's baseline: 100 in every quarter-hour from the origin, in each of the two weeks before, on both services. */
  private Dataset<Row> baselineTransactions(int quarters) {
    return baselineTransactions(quarters, quarter -> 100);
  }

  /** b1's baseline: {@code amount} of the quarter-hour from the origin, in each of the two weeks before, on both services. */
  private Dataset<Row> baselineTransactions(int quarters, java.util.function.IntUnaryOperator amount) {
    List<Row> transactions = new ArrayList<>();
    for (int week = 1; week <= 2; week++) {
      for (int quarter = 0; quarter < quarters; quarter++) {
        for (String service : List.of("explained", "unexplained")) {
          Instant at = ORIGIN.minus(Duration.ofDays(7L * week)).plus(Duration.ofMinutes(15L * quarter + 1));
          transactions.add(RowFactory.create("b1", service, Timestamp.from(at), "succeeded",
              BigDecimal.valueOf(amount.applyAsInt(quarter))));
        }
      }
    }
    return spark.createDataFrame(transactions, new StructType().add("business_id", "string")
        .add("service", "string").add("occurred_at", "timestamp").add("status", "string")
        .add(Schemas.AMOUNT_REPORTING, Schemas.MONEY));
  }

  /** b1's streams on both services, each carrying half of retail's gross loss. */
  private Dataset<Row> twoHitStreams() {
    return spark.createDataFrame(List.of(
            RowFactory.create("b1", "explained", 1.0, 500.0),
            RowFactory.create("b1", "unexplained", 1.0, 500.0)),
        new StructType().add("business_id", "string").add("service", "string")
            .add("level", "double").add("gross_loss", "double"));
  }

  private Dataset<Row> oneBusiness() {
    return spark.createDataFrame(List.of(RowFactory.create("b1", "retail")),
        new StructType().add("business_id", "string").add("sector", "string"));
  }

  private Dataset<Row> retailSector() {
    return spark.createDataFrame(List.of(RowFactory.create("retail", 1000.0, 500.0, 1500.0)),
        new StructType().add("sector", "string").add("net_loss", "double")
            .add("net_loss_low", "double").add("net_loss_high", "double"));
  }

  @Test
  void halfAndDoubleTheOutageLandWithinTheirTolerance() throws Exception {
    // --outage-minutes is how long the root is down; the incident lasts until the last dependent
    // recovers, a little longer. Scenario durations are incident durations, as duration_minutes is.
    int[] minutes = {180, 360, 720};
    Map<Integer, Double> incidentHours = new HashMap<>();
    for (int m : minutes) {
      GenerateJob.run(spark, GenerateJob.options().parse(new String[] {"--out", tmp.resolve("data-" + m).toString(),
          "--seed", "43", "--businesses", "200", "--transactions", "300000", "--outage-minutes", Integer.toString(m),
          "--bad-rows", "0"}));
      JsonNode incident = new ObjectMapper().readTree(tmp.resolve("data-" + m + "/truth/truth.json").toFile())
          .get("incident");
      incidentHours.put(m, Duration.between(Instant.parse(incident.get("start").asText()),
          Instant.parse(incident.get("end").asText())).toSeconds() / 3600.0);
    }
    RunJob.run(spark, RunJob.options().parse(new String[] {"--data", tmp.resolve("data-360").toString(),
        "--out", tmp.resolve("out").toString(), "--duration-hours",
        incidentHours.get(180) + "," + incidentHours.get(360) + "," + incidentHours.get(720) + ",24"}));

    Map<String, Row> estimated = new HashMap<>();
    for (Row r : spark.read().parquet(Published.table(tmp.resolve("out"), "duration_scenarios")).collectAsList()) {
      estimated.put(key(r.getAs("sector"), r.getAs("duration_hours")), r);
      boolean beyond = r.<Double>getAs("duration_hours") > 2 * r.<Double>getAs("observed_hours");
      assertEquals(beyond, r.<Boolean>getAs("extrapolated"), r.toString());
    }
    assertTrue(estimated.get(key("ALL", 24.0)).<Boolean>getAs("extrapolated"), "24 hours of a 6-hour outage");
    // From the observed duration on, a longer outage never costs less, in total and in each sector.
    Map<String, Double> lastNet = new HashMap<>();
    for (Row r : estimated.values().stream()
        .filter(r -> r.<Double>getAs("duration_hours") >= r.<Double>getAs("observed_hours"))
        .sorted(java.util.Comparator.comparingDouble(r -> r.<Double>getAs("duration_hours"))).toList()) {
      double net = r.getAs("net_loss");
      Double before = lastNet.put(r.getAs("sector"), net);
      assertTrue(before == null || net >= before - 1e-6, "net loss falls with duration: " + r + " after " + before);
    }
    // Each sector's interval is the measured one carried to the scenario (its ends through
    // atDuration, at the ratio a positive measured loss shows), widened by the noise of the hours
    // the scenario adds or removes: never narrower, and wider where hours are added.
    int widened = 0;
    for (Row sector : spark.read().parquet(Published.table(tmp.resolve("out"), "sector_impact")).collectAsList()) {
      double net = sector.getAs("net_loss");
      Row scenario = estimated.get(key(sector.getAs("sector"), 24.0));
      if (net <= 0 || scenario == null) {
        continue;
      }
      double ratio = scenario.<Double>getAs("net_loss") / net;
      double scaledDown = scenario.<Double>getAs("net_loss")
          - DurationScenarios.atDuration(sector.<Double>getAs("net_loss_low"), ratio);
      double scaledUp = DurationScenarios.atDuration(sector.<Double>getAs("net_loss_high"), ratio)
          - scenario.<Double>getAs("net_loss");
      double down = scenario.<Double>getAs("net_loss") - scenario.<Double>getAs("net_loss_low");
      double up = scenario.<Double>getAs("net_loss_high") - scenario.<Double>getAs("net_loss");
      assertTrue(down >= scaledDown - 1e-6 && up >= scaledUp - 1e-6, "24 h interval narrower than the scaled one: "
          + scenario + " against " + sector);
      widened += down > scaledDown + 1e-6 && up > scaledUp + 1e-6 ? 1 : 0;
    }
    assertTrue(widened > 0, "no sector's 24-hour interval carries the noise of the hours it adds");

    List<String> failures = new ArrayList<>();
    StringBuilder report = new StringBuilder();
    Map<Integer, Double> trueTotals = new HashMap<>();
    for (int m : minutes) {
      double hours = incidentHours.get(m);
      double total = 0;
      double variance = 0;
      for (Row t : spark.read().option("header", true).option("inferSchema", true)
          .csv(tmp.resolve("data-" + m + "/truth/sectors").toString()).collectAsList()) {
        String sector = t.getAs("sector");
        double truth = ((Number) t.getAs("net_loss")).doubleValue();
        double sd = ((Number) t.getAs("counterfactual_sd")).doubleValue();
        total += truth;
        variance += sd * sd;
        // Sectors are reported, not asserted: on this seed their misses come mostly from the
        // measured net loss itself (retail +37% at the observed duration), which the scenarios scale.
        check(estimated.get(key(sector, hours)), sector, hours, truth, sd, report, new ArrayList<>());
      }
      check(estimated.get(key("ALL", hours)), "ALL", hours, total, Math.sqrt(variance), report, failures);
      trueTotals.put(m, total);
    }
    // The model's own part, free of the measured loss's error: how the total grows or shrinks
    // with the duration, against how the truth's does (the same world, so the same counterfactual).
    double observedEstimate = estimated.get(key("ALL", incidentHours.get(360))).getAs("net_loss");
    for (int m : new int[] {180, 720}) {
      double modelRatio = estimated.get(key("ALL", incidentHours.get(m))).<Double>getAs("net_loss") / observedEstimate;
      double trueRatio = trueTotals.get(m) / trueTotals.get(360);
      report.append(String.format("  total at %.1f h over the observed: model %.3f, truth %.3f (%+.1f%%)%n",
          incidentHours.get(m), modelRatio, trueRatio, 100 * (modelRatio / trueRatio - 1)));
      if (Math.abs(modelRatio / trueRatio - 1) > RATIO_TOLERANCE) {
        failures.add("total ratio at " + incidentHours.get(m) + " h");
      }
    }
    // What the policies would pay, against each run's truth/policies (the same policies in every run).
    for (int m : minutes) {
      Row paid = spark.read().option("header", true).option("inferSchema", true)
          .csv(tmp.resolve("data-" + m + "/truth/policies").toString())
          .agg(functions.sum("payout"), functions.sqrt(functions.sum(functions.pow(functions.col("covered_sd"), 2))))
          .first();
      double truth = ((Number) paid.get(0)).doubleValue();
      double sd = paid.getDouble(1);
      Row scenario = estimated.get(key("ALL", incidentHours.get(m)));
      double estimate = scenario.getAs("insured_loss");
      double low = scenario.getAs("insured_loss_low");
      double high = scenario.getAs("insured_loss_high");
      assertTrue(0 <= low && low <= estimate && estimate <= high, "insured interval at " + m + ": " + scenario);
      double tolerance = Math.max(0.10 * truth, 2.5 * sd);
      report.append(String.format("  insured at %.1f h: %.2f [%.2f, %.2f], true %.2f, error %+.1f%% (%+.2f SD of the"
          + " covers), tolerance %.2f%n", incidentHours.get(m), estimate, low, high, truth,
          100 * (estimate / truth - 1), (estimate - truth) / sd, tolerance));
      if (Math.abs(estimate - truth) > tolerance) {
        failures.add("insured loss at " + incidentHours.get(m) + " h");
      }
    }
    Row summary = spark.read().parquet(Published.table(tmp.resolve("out"), "incident_summary")).first();
    report.append(String.format("  observed %.2f h (detected %s .. %s), measured net loss %.2f%n",
        estimated.get(key("ALL", 24.0)).<Double>getAs("observed_hours"), summary.getAs("start"), summary.getAs("end"),
        summary.<Double>getAs("net_loss")));
    System.out.print(report);
    assertTrue(failures.isEmpty(), failures + " out of tolerance:\n" + report);
  }

  private static String key(String sector, double hours) {
    return sector + "@" + String.format("%.4f", hours);
  }

  private static void check(Row e, String sector, double hours, double truth, double sd, StringBuilder report,
      List<String> failures) {
    assertTrue(e != null, sector + " at " + hours + " h: no scenario row");
    double net = e.getAs("net_loss");
    double tolerance = Math.max(0.10 * Math.abs(truth), 2.5 * sd);
    report.append(String.format("  %5.1f h %-20s net %12.2f true %12.2f error %+7.1f%% (%+.2f SD) tolerance %10.2f"
            + " interval %.2f .. %.2f%n", hours, sector, net, truth, 100 * (net - truth) / truth,
        sd > 0 ? (net - truth) / sd : 0, tolerance, e.<Double>getAs("net_loss_low"), e.<Double>getAs("net_loss_high")));
    if (Math.abs(net - truth) > tolerance) {
      failures.add(sector + " at " + hours + " h");
    }
  }
}
