package com.outageimpact.impact;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.outageimpact.SparkTestSession;
import com.outageimpact.detect.Footprint;
import com.outageimpact.schema.Schemas;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Which baseline weeks the loss rests on: only those the data covers, and not one that an earlier
 * incident at the same hours emptied. Steady demand (one 10-unit transaction per business and
 * service every 10 minutes), so the right expected value is known exactly: 6 an hour x 10.
 */
class BaselineWeeksTest {

  private final SparkSession spark = SparkTestSession.get();

  private static final Instant WINDOW_START = Instant.parse("2021-10-04T15:00:00Z");
  private static final Instant RECOVERY = Instant.parse("2021-10-04T19:00:00Z");
  private static final Instant WINDOW_END = Instant.parse("2021-10-04T22:00:00Z");
  private static final Instant PRE_START = WINDOW_START.minus(Duration.ofHours(24));
  private static final int BUSINESSES = 20;
  /** Expected value of one messaging stream over the window: 7 hours x 6 x 10. */
  private static final double STREAM_EXPECTED = 7 * 6 * 10.0;

  /** Steady transactions from {@code first} to the window's end; messaging stops during the outage. */
  private Dataset<Row> transactions(Instant first) {
    long start = first.getEpochSecond();
    long slots = (WINDOW_END.getEpochSecond() - start) / 600;
    Dataset<Row> tx = spark.range(0, slots * BUSINESSES * 2, 1, 2)
        .select(col("id").mod(BUSINESSES).cast("string").as("business_id"),
            functions.when(col("id").divide(BUSINESSES).cast("long").mod(2).equalTo(0), lit("messaging"))
                .otherwise(lit("payments")).as("service"),
            functions.timestamp_seconds(lit(start).plus(col("id").divide(2 * BUSINESSES).cast("long").multiply(600)))
                .as("occurred_at"),
            lit(10.0).as(Schemas.AMOUNT_REPORTING), lit("succeeded").as("status"));
    // The outage: no messaging from the window's start to the recovery.
    return tx.filter(functions.not(col("service").equalTo("messaging")
        .and(col("occurred_at").geq(lit(java.sql.Timestamp.from(WINDOW_START))))
        .and(col("occurred_at").lt(lit(java.sql.Timestamp.from(RECOVERY))))));
  }

  private Dataset<Row> businesses() {
    List<Row> rows = new ArrayList<>();
    for (int b = 0; b < BUSINESSES; b++) {
      rows.add(RowFactory.create(Integer.toString(b), "US"));
    }
    return spark.createDataFrame(rows, new StructType().add("business_id", DataTypes.StringType)
        .add("region", DataTypes.StringType));
  }

  /** Sum of the messaging streams' expected value and variance. */
  private double[] messaging(Dataset<Row> transactions, int weeks) {
    List<Dataset<Row>> cached = new ArrayList<>();
    Row r = StreamLosses.compute(spark, transactions, businesses(), Map.of("messaging", RECOVERY),
        new Footprint(new TreeSet<>(), new TreeSet<>(), new TreeSet<>(List.of("US"))), PRE_START, WINDOW_START, WINDOW_END, weeks, cached)
        .filter(col("service").equalTo("messaging"))
        .agg(functions.sum("expected_value"), functions.sum("loss_variance"), functions.count(lit(1))).first();
    cached.forEach(Dataset::unpersist);
    assertEquals(BUSINESSES, r.getLong(2), "one messaging stream per business");
    return new double[] {r.getDouble(0), r.getDouble(1)};
  }

  /**
   * The data starts 15 hours past four weeks before the window, as in the independent scenario:
   * the fourth week's level window would start 9 hours before the first transaction. It is not
   * counted, and the estimate from the other three is right (with it, every level came out 10% high).
   */
  @Test
  void aBaselineWeekTheDataStartsInsideIsDropped() {
    Dataset<Row> tx = transactions(WINDOW_START.minus(Duration.ofDays(28)).minus(Duration.ofHours(15))).cache();
    int weeks = StreamLosses.coveredWeeks(ImpactStage.TransactionExtent.measure(tx), PRE_START, 4);
    assertEquals(3, weeks, "weeks covered");
    double expected = messaging(tx, weeks)[0];
    assertEquals(BUSINESSES * STREAM_EXPECTED, expected, 0.01 * BUSINESSES * STREAM_EXPECTED, "expected value");
    // Starting at the fourth week's level window exactly covers it; a day later covers none.
    assertEquals(4, StreamLosses.coveredWeeks(ImpactStage.TransactionExtent.measure(tx), PRE_START.plus(Duration.ofHours(9)), 4));
    assertEquals(0, StreamLosses.coveredWeeks(ImpactStage.TransactionExtent.measure(tx), PRE_START.minus(Duration.ofDays(27)), 4));
    tx.unpersist();
  }

  /**
   * Four covered weeks, but in the second an earlier incident stopped messaging for 3 hours at the
   * outage's hours. The mean of the weeks would expect 11% too little; leaving out the week far
   * from the others' median keeps the estimate on the clean weeks' value.
   */
  @Test
  void aContaminatedBaselineWeekDoesNotMoveTheEstimate() {
    Instant earlier = WINDOW_START.minus(Duration.ofDays(14));
    Dataset<Row> tx = transactions(WINDOW_START.minus(Duration.ofDays(36)))
        .filter(functions.not(col("service").equalTo("messaging")
            .and(col("occurred_at").geq(lit(java.sql.Timestamp.from(earlier))))
            .and(col("occurred_at").lt(lit(java.sql.Timestamp.from(earlier.plus(Duration.ofHours(3))))))))
        .cache();
    assertEquals(4, StreamLosses.coveredWeeks(ImpactStage.TransactionExtent.measure(tx), PRE_START, 4));
    double[] estimate = messaging(tx, 4);
    assertEquals(BUSINESSES * STREAM_EXPECTED, estimate[0], 0.01 * BUSINESSES * STREAM_EXPECTED, "expected value");
    // The weeks kept agree exactly, so nothing is left of the earlier incident in the variance either.
    assertEquals(0.0, estimate[1], 1e-6, "variance");
    tx.unpersist();
  }

  /** One covered week: there is no other to check it on, yet an estimate and a nonzero variance come out. */
  @Test
  void oneWeekStillGivesAnIntervalOfItsOwn() {
    Dataset<Row> tx = transactions(WINDOW_START.minus(Duration.ofDays(8))).cache();
    assertEquals(1, StreamLosses.coveredWeeks(ImpactStage.TransactionExtent.measure(tx), PRE_START, 4));
    double[] estimate = messaging(tx, 1);
    assertEquals(BUSINESSES * STREAM_EXPECTED, estimate[0], 0.01 * BUSINESSES * STREAM_EXPECTED, "expected value");
    // Compound Poisson: twice the week's sum of squared values, 42 transactions of 10 per stream.
    assertEquals(BUSINESSES * 2 * 42 * 100.0, estimate[1], 1e-6, "variance");
    // Student t at one degree of freedom (6.314), for a business and for a sum of them alike.
    assertEquals(6.314 * Math.sqrt(estimate[1]),
        StudentT.halfWidth(estimate[1], estimate[1] * estimate[1] / BUSINESSES, 1), 1e-6, "interval");
    tx.unpersist();
  }
}
