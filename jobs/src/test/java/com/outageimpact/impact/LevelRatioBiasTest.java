package com.outageimpact.impact;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
    Random random = new Random(7);
    List<Row> rows = new ArrayList<>();
    double trueExpected = 0;
    for (int b = 0; b < BUSINESSES; b++) {
      String business = "b" + b;
      double level = Math.exp(0.5 * random.nextGaussian() - 0.125);
      trueExpected += level * WINDOW_VALUE;
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
    Dataset<Row> tx = spark.createDataFrame(rows, new StructType().add("business_id", DataTypes.StringType)
        .add("service", DataTypes.StringType).add("occurred_at", DataTypes.TimestampType)
        .add(Schemas.AMOUNT_REPORTING, DataTypes.DoubleType).add("status", DataTypes.StringType)).cache();
    List<Row> businesses = new ArrayList<>();
    for (int b = 0; b < BUSINESSES; b++) {
      businesses.add(RowFactory.create("b" + b, "US"));
    }
    businesses.add(RowFactory.create("anchor", "US"));
    assertEquals(1, StreamLosses.coveredWeeks(ImpactStage.TransactionExtent.measure(tx), PRE_START, 4), "weeks covered");

    List<Dataset<Row>> cached = new ArrayList<>();
    double expected = StreamLosses.compute(spark, tx,
            spark.createDataFrame(businesses, new StructType().add("business_id", DataTypes.StringType)
                .add("region", DataTypes.StringType)),
            Map.of("messaging", RECOVERY), new Footprint(new TreeSet<>(), new TreeSet<>(), new TreeSet<>(List.of("US"))),
            PRE_START, WINDOW_START, WINDOW_END, 1, cached)
        .filter(col("business_id").notEqual("anchor"))
        .agg(functions.sum("expected_value")).first().getDouble(0);
    cached.forEach(Dataset::unpersist);
    tx.unpersist();
    assertEquals(trueExpected, expected, 0.025 * trueExpected, "expected value summed over businesses, ticket sigma " + ticketSigma);
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
