package com.outageimpact.impact;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.outageimpact.SparkTestSession;
import com.outageimpact.detect.Footprint;
import com.outageimpact.schema.Schemas;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A business's level is its pre-window value over the baseline weeks'; with one baseline week and
 * a few transactions a day, that ratio to a noisy sum is biased upward (E[1/X] > 1/E[X]). Here
 * the pre-windows are sparse (10 transactions a day in the baseline week, 10 x the business's true
 * level in the outage week, the levels lognormal around 1; tickets equal or lognormal) and the
 * window's baseline-week part is fixed, so the expected value is wrong only through the level.
 * Summed over 2,000 businesses the level's noise averages out (about 0.6%) and what is left is its
 * bias. Before the correction: +7.0%, +6.9% and +8.6% for ticket sigmas 0, 0.6 and 1; after it:
 * -0.4%, -1.8% and -2.2% (what is left with heavy tickets is the clamp at 2 and the ratio's
 * higher-order terms, which at 10 transactions a day are not small). The tolerance, 2.5%, passes
 * those and fails the uncorrected estimate by a wide margin.
 */
class LevelRatioBiasTest {

  private final SparkSession spark = SparkTestSession.get();

  private static final Instant WINDOW_START = Instant.parse("2021-10-04T15:00:00Z");
  private static final Instant RECOVERY = Instant.parse("2021-10-04T19:00:00Z");
  private static final Instant WINDOW_END = Instant.parse("2021-10-04T22:00:00Z");
  private static final Instant PRE_START = WINDOW_START.minus(Duration.ofHours(24));
  private static final Duration WEEK = Duration.ofDays(7);
  private static final int BUSINESSES = 2000;
  private static final double PRE_WINDOW_TRANSACTIONS = 10;
  /** The baseline week's window: one 10-unit transaction every 30 minutes over 7 hours. */
  private static final double WINDOW_VALUE = 14 * 10.0;

  /** Tickets of 10 on average: all equal, or lognormal with the given sigma (heavy tickets make a noisier sum). */
  @ParameterizedTest
  @ValueSource(doubles = {0, 0.6, 1})
  void aSparseOneWeekLevelIsNotBiasedUpward(double ticketSigma) {
    Map<String, Double> levels = new java.util.HashMap<>();
    List<Row> rows = world(new Random(7), ticketSigma, levels);
    double trueExpected = levels.values().stream().mapToDouble(level -> level * WINDOW_VALUE).sum();
    double expected = expectedValues(rows).stream().mapToDouble(r -> r.getDouble(1)).sum();
    assertEquals(trueExpected, expected, 0.025 * trueExpected, "expected value summed over businesses, ticket sigma " + ticketSigma);
  }

  /**
   * Twenty businesses whose level windows are a sale of 1,000 and a refund of 999: their sums say
   * nothing about their level (a relative variance in the thousands). They must get the common
   * level without taking every other business's with them: averaged into the spread between
   * businesses, their noise made it zero, and every level the common one.
   */
  @org.junit.jupiter.api.Test
  void salesAndRefundsThatCancelDoNotFlattenEveryLevel() {
    Map<String, Double> levels = new java.util.HashMap<>();
    List<Row> rows = world(new Random(11), 0, levels);
    for (int r = 0; r < 20; r++) {
      for (int week = 0; week <= 1; week++) {
        Instant at = PRE_START.minus(WEEK.multipliedBy(week)).plus(Duration.ofHours(3));
        rows.add(transaction("refunds" + r, at, 1000));
        rows.add(transaction("refunds" + r, at.plus(Duration.ofHours(1)), -999));
      }
      for (Instant t = WINDOW_START.minus(WEEK); t.isBefore(WINDOW_END.minus(WEEK)); t = t.plus(Duration.ofMinutes(30))) {
        rows.add(transaction("refunds" + r, t, 10));
      }
    }
    double high = 0;
    double low = 0;
    int highs = 0;
    int lows = 0;
    for (Row r : expectedValues(rows)) {
      Double level = levels.get(r.getString(0));
      if (level == null) {
        assertEquals(WINDOW_VALUE, r.getDouble(1), 0.3 * WINDOW_VALUE, "a refunds business: about the common level");
      } else if (level > 1.5) {
        high += r.getDouble(1);
        highs++;
      } else if (level < 0.7) {
        low += r.getDouble(1);
        lows++;
      }
    }
    // Shrunk, but apart: about 1.3 against 0.85 of the window's value; flattened, both 1.
    assertTrue(high / highs > 1.2 * (low / lows), "businesses with high levels expect more: " + high / highs + " against " + low / lows);
  }

  /**
   * {@link #BUSINESSES} businesses with sparse level windows (Poisson, 10 a day in the baseline
   * week, 10 x the level in the outage week) and a fixed baseline-week window; their true levels
   * go into {@code levels}.
   */
  private static List<Row> world(Random random, double ticketSigma, Map<String, Double> levels) {
    List<Row> rows = new ArrayList<>();
    for (int b = 0; b < BUSINESSES; b++) {
      String business = "b" + b;
      double level = Math.exp(0.5 * random.nextGaussian() - 0.125);
      levels.put(business, level);
      for (int week = 0; week <= 1; week++) {
        Instant from = PRE_START.minus(WEEK.multipliedBy(week));
        int n = poisson(random, PRE_WINDOW_TRANSACTIONS * (week == 0 ? level : 1));
        for (int i = 0; i < n; i++) {
          double ticket = 10 * Math.exp(ticketSigma * random.nextGaussian() - ticketSigma * ticketSigma / 2);
          rows.add(transaction(business, from.plusSeconds((long) (random.nextDouble() * 86400)), ticket));
        }
      }
      for (Instant t = WINDOW_START.minus(WEEK); t.isBefore(WINDOW_END.minus(WEEK)); t = t.plus(Duration.ofMinutes(30))) {
        rows.add(transaction(business, t, 10));
      }
    }
    // Before every window, so that the baseline week counts as covered; in no week's window itself.
    rows.add(transaction("anchor", PRE_START.minus(WEEK).minus(Duration.ofDays(2)), 10));
    return rows;
  }

  /** Each business's expected value (business_id, expected_value) over one baseline week; the anchor left out. */
  private List<Row> expectedValues(List<Row> rows) {
    Dataset<Row> tx = spark.createDataFrame(rows, new StructType().add("business_id", DataTypes.StringType)
        .add("service", DataTypes.StringType).add("occurred_at", DataTypes.TimestampType)
        .add(Schemas.AMOUNT_REPORTING, DataTypes.DoubleType).add("status", DataTypes.StringType)).cache();
    List<Row> businesses = rows.stream().map(r -> r.getString(0)).distinct()
        .map(id -> RowFactory.create(id, "US")).collect(java.util.stream.Collectors.toList());
    assertEquals(1, StreamLosses.coveredWeeks(ImpactStage.TransactionExtent.measure(tx), PRE_START, 4), "weeks covered");
    List<Dataset<Row>> cached = new ArrayList<>();
    List<Row> expected = StreamLosses.compute(spark, tx,
            spark.createDataFrame(businesses, new StructType().add("business_id", DataTypes.StringType)
                .add("region", DataTypes.StringType)),
            Map.of("messaging", RECOVERY), new Footprint(new TreeSet<>(), new TreeSet<>(), new TreeSet<>(List.of("US"))),
            PRE_START, WINDOW_START, WINDOW_END, 1, cached)
        .filter(col("business_id").notEqual("anchor"))
        .select("business_id", "expected_value").collectAsList();
    cached.forEach(Dataset::unpersist);
    tx.unpersist();
    return expected;
  }

  private static Row transaction(String business, Instant at, double value) {
    return RowFactory.create(business, "messaging", Timestamp.from(at), value, "succeeded");
  }

  /** A Poisson draw by counting exponential gaps (small means only). */
  private static int poisson(Random random, double mean) {
    int n = 0;
    double t = -Math.log(1 - random.nextDouble());
    while (t < mean) {
      n++;
      t -= Math.log(1 - random.nextDouble());
    }
    return n;
  }
}
