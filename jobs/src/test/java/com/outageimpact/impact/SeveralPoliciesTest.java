package com.outageimpact.impact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.outageimpact.SparkTestSession;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A business with several policies: each policy's payout is worked out on its own (its own
 * waiting period, retention and limit) and the business's insured loss is their sum. Hand-made
 * numbers: one business down for 4 hours, which in the baseline week carried 100 every quarter
 * of an hour on its service and in the outage week nothing.
 *
 * <ul>
 *   <li>p1, indemnity, 1 hour waiting, retention 100: 3 hours of cover, 1,200 lost inside it, pays 1,100;
 *   <li>p2, parametric, 2 hours waiting, 50 an hour, limit 80: 2 hours of cover, 100, pays 80;
 *   <li>p3, indemnity, 5 hours waiting: never triggers, pays 0.
 * </ul>
 *
 * The business is paid 1,180. Pooling the policies into one (one retention or one limit over the
 * summed loss) would pay otherwise: 1,200 + 100 - 100 = 1,200 with p1's retention, or 80 with p2's limit.
 */
class SeveralPoliciesTest {

  private static final Instant DOWN = Instant.parse("2021-10-06T12:00:00Z");
  private static final long HOUR = 3600;

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void eachPolicyPaysOnItsOwnTermsAndTheBusinessGetsTheSum() {
    Dataset<Row> policies = spark.createDataFrame(List.of(
            policy("p1", "b1", "indemnity", 1.0, "100", null, null),
            policy("p2", "b1", "parametric", 2.0, "0", "80", "50"),
            policy("p3", "b1", "indemnity", 5.0, null, null, null),
            policy("p4", "b2", "indemnity", 1.0, null, null, null)),
        policySchema());
    InsuredImpact.Tables tables = compute(policies, 0.0);
    Map<String, Row> rows = byBusiness(tables);

    Row b1 = rows.get("b1");
    assertEquals(3L, b1.<Long>getAs("policies"));
    assertEquals(2L, b1.<Long>getAs("policies_triggered"), "p1 and p2 triggered, p3 did not");
    assertTrue(b1.<Boolean>getAs("triggered"));
    assertEquals(1.0, b1.<Double>getAs("waiting_period_hours"), 1e-12, "the shortest waiting period");
    assertEquals(1200.0, b1.<Double>getAs("covered_loss"), 1e-6, "the longest cover's loss (p1's)");
    assertEquals(1100.0 + 80.0, b1.<Double>getAs("insured_loss"), 1e-6, "p1 pays 1,100 and p2 80");
    assertEquals(1600.0 - 1180.0, b1.<Double>getAs("retained_loss"), 1e-6);
    assertEquals(0.0, b1.<Double>getAs("uninsured_loss"), 1e-12);
    // p2 is parametric (no interval) and capped; p1's interval is the payout of each end of its loss's.
    assertTrue(b1.<Double>getAs("insured_loss_low") < 1180.0 && b1.<Double>getAs("insured_loss_high") > 1180.0,
        b1.toString());
    assertEquals(1180.0 - b1.<Double>getAs("insured_loss_low"), b1.<Double>getAs("insured_loss_high") - 1180.0, 1e-6,
        "only p1 moves, and it is past its retention and under no limit: symmetric");

    Row b2 = rows.get("b2");
    assertTrue(b2.<Boolean>getAs("insured"));
    assertFalse(b2.<Boolean>getAs("triggered"), "never down");
    assertEquals(0.0, b2.<Double>getAs("insured_loss"), 1e-12);
    Row b3 = rows.get("b3");
    assertFalse(b3.<Boolean>getAs("insured"));
    assertEquals(0L, b3.<Long>getAs("policies"));

    Row totals = tables.totals();
    assertEquals(4L, totals.<Long>getAs("policies"));
    assertEquals(2L, totals.<Long>getAs("policies_triggered"));
    assertEquals(1180.0, totals.<Double>getAs("insured_loss"), 1e-6);
  }

  /**
   * The downtime's timing error moves the cover: b1's boundaries each 600 s uncertain (so its 4 hours
   * of downtime 600√2 s), at 90% z = 1.6449 that is 0.3877 hours either way. A parametric policy at 50
   * an hour past a 1-hour wait pays 150 ± 19.39; one waiting 3.8 hours pays 10 on 0.2 hours of cover,
   * 0 if the outage was in fact shorter than its wait, 29.39 if longer. The same error moves both
   * (one outage, one boundary), so their sum's interval adds their distances, not their squares.
   */
  @Test
  void theDowntimesTimingErrorGivesParametricPayoutsAnIntervalAndCanUntriggerAPolicy() {
    Dataset<Row> policies = spark.createDataFrame(List.of(
            policy("p5", "b1", "parametric", 1.0, null, null, "50"),
            policy("p6", "b1", "parametric", 3.8, null, null, "50")),
        policySchema());
    double shift = 1.6449 * 600 * Math.sqrt(2) / HOUR; // StudentT.Z90, the normal's 95th percentile
    Row b1 = byBusiness(compute(policies, 600.0)).get("b1");
    assertEquals(150.0 + 10.0, b1.<Double>getAs("insured_loss"), 1e-6);
    double p5 = 50 * shift;
    double p6Up = 50 * (0.2 + shift);
    assertEquals(160.0 - (p5 + 10.0), b1.<Double>getAs("insured_loss_low"), 1e-6,
        "p6 untriggers at the low end; the business's policies share the error, so their ends add");
    assertEquals(160.0 + p5 + (p6Up - 10.0), b1.<Double>getAs("insured_loss_high"), 1e-6);
    assertEquals(2L, b1.<Long>getAs("policies_triggered"), "both triggered as measured");
    Row totals = compute(policies, 600.0).totals();
    assertEquals(160.0 - (p5 + 10.0), totals.<Double>getAs("insured_loss_low"), 1e-6, "one business: its own ends");
    // Without a timing error, parametric payouts have no interval.
    Row exact = byBusiness(compute(policies, 0.0)).get("b1");
    assertEquals(160.0, exact.<Double>getAs("insured_loss_low"), 1e-9);
    assertEquals(160.0, exact.<Double>getAs("insured_loss_high"), 1e-9);
  }

  private InsuredImpact.Tables compute(Dataset<Row> policies, double boundarySd) {
    // b1 lost 1,600 over its 4 down hours and none came back; b2 (one policy) and b3 (none) were not down.
    Dataset<Row> business = spark.createDataFrame(List.of(
            businessRow("b1", 240, 1600, 0, 1600, 160),
            businessRow("b2", 0, 0, 0, 0, 0),
            businessRow("b3", 0, 0, 0, 0, 0)),
        new StructType().add("business_id", DataTypes.StringType).add("sector", DataTypes.StringType)
            .add("region", DataTypes.StringType).add("critical", DataTypes.BooleanType)
            .add("affected", DataTypes.BooleanType).add("downtime_minutes", DataTypes.DoubleType)
            .add("gross_loss", DataTypes.DoubleType).add("recovered", DataTypes.DoubleType)
            .add("net_loss", DataTypes.DoubleType).add("net_loss_low", DataTypes.DoubleType)
            .add("net_loss_high", DataTypes.DoubleType));
    StructType interval = new StructType().add("down_start", DataTypes.LongType).add("down_end", DataTypes.LongType)
        .add("boundary_sd", DataTypes.DoubleType);
    Dataset<Row> down = spark.createDataFrame(List.of(RowFactory.create("b1",
            List.of(RowFactory.create(DOWN.getEpochSecond(), DOWN.getEpochSecond() + 4 * HOUR, boundarySd)))),
        new StructType().add("business_id", DataTypes.StringType)
            .add("intervals", DataTypes.createArrayType(interval)));
    Dataset<Row> levels = spark.createDataFrame(List.of(RowFactory.create("b1", 1.0), RowFactory.create("b2", 1.0),
        RowFactory.create("b3", 1.0)), new StructType().add("business_id", DataTypes.StringType)
        .add("level", DataTypes.DoubleType));
    List<Row> txns = new ArrayList<>();
    for (int q = 0; q < 16; q++) {
      // Mid-quarter-hour, a week before: the baseline of the 4 down hours.
      long at = DOWN.getEpochSecond() - StreamLosses.WEEK + q * 900 + 450;
      txns.add(RowFactory.create("b1", "messaging", new Timestamp(at * 1000), "succeeded", new BigDecimal("100")));
    }
    Dataset<Row> transactions = spark.createDataFrame(txns, new StructType().add("business_id", DataTypes.StringType)
        .add("service", DataTypes.StringType).add("occurred_at", DataTypes.TimestampType)
        .add("status", DataTypes.StringType).add("amount_reporting", DataTypes.createDecimalType(38, 6)));
    InsuredImpact.Tables computed = InsuredImpact.compute(InsuredImpact.covers(policies, down), business, levels,
        transactions, Set.of("messaging"), DOWN.minusSeconds(HOUR), DOWN.plusSeconds(10 * HOUR), 1, "inc");
    return InsuredImpact.rollUps(computed.businesses(), "inc");
  }

  private static Map<String, Row> byBusiness(InsuredImpact.Tables tables) {
    Map<String, Row> rows = new HashMap<>();
    for (Row r : tables.businesses().collectAsList()) {
      rows.put(r.getAs("business_id"), r);
    }
    return rows;
  }

  private static StructType policySchema() {
    return new StructType().add("policy_id", DataTypes.StringType).add("business_id", DataTypes.StringType)
        .add("kind", DataTypes.StringType).add("waiting_period_hours", DataTypes.DoubleType)
        .add("retention_reporting", DataTypes.createDecimalType(38, 6))
        .add("limit_reporting", DataTypes.createDecimalType(38, 6))
        .add("payout_per_hour_reporting", DataTypes.createDecimalType(38, 6));
  }

  private static Row policy(String id, String business, String kind, double waiting, String retention, String limit,
      String perHour) {
    return RowFactory.create(id, business, kind, waiting, retention == null ? null : new BigDecimal(retention),
        limit == null ? null : new BigDecimal(limit), perHour == null ? null : new BigDecimal(perHour));
  }

  private static Row businessRow(String id, double downtime, double gross, double recovered, double net, double half) {
    return RowFactory.create(id, "retail", "US", false, downtime > 0, downtime, gross, recovered, net, net - half,
        net + half);
  }
}
