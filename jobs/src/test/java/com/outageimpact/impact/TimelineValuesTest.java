package com.outageimpact.impact;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.outageimpact.SparkTestSession;
import com.outageimpact.schema.Schemas;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The timeline's per-bucket counterfactual and its interval, on streams with no outage at all. */
class TimelineValuesTest {

  private final SparkSession spark = SparkTestSession.get();

  private static final Instant FROM = Instant.parse("2021-10-04T00:00:00Z");
  private static final Instant TO = Instant.parse("2021-10-05T00:00:00Z");
  private static final long BUCKET = 900;

  /**
   * Five weeks of transactions arriving at random, the same rate every week: a stated 90% interval
   * must cover the actual value of about 90% of buckets (too wide fails as well as too narrow).
   */
  @Test
  void intervalsCoverAboutNinetyPercentOfNormalBuckets() {
    long first = FROM.getEpochSecond() - 4 * StreamLosses.WEEK;
    long span = TO.getEpochSecond() - first;
    Dataset<Row> transactions = spark.range(0, 400_000, 1, 2)
        .select(col("id").mod(40).cast("string").as("business_id"),
            functions.when(col("id").mod(3).equalTo(0), lit("messaging")).otherwise(lit("payments")).as("service"),
            functions.timestamp_seconds(lit(first).plus(functions.rand(7).multiply(span).cast("long")))
                .as("occurred_at"),
            functions.exp(functions.randn(11).multiply(0.5)).multiply(20).as(Schemas.AMOUNT_REPORTING),
            lit("succeeded").as("status"));
    // Every stream counts as hit at level 1: its expected value is the baseline weeks' mean.
    List<Row> hit = new java.util.ArrayList<>();
    for (int b = 0; b < 40; b++) {
      for (String service : List.of("messaging", "payments")) {
        hit.add(RowFactory.create(Integer.toString(b), service, 1.0));
      }
    }
    Dataset<Row> streams = spark.createDataFrame(hit, new StructType().add("business_id", DataTypes.StringType)
        .add("service", DataTypes.StringType).add("level", DataTypes.DoubleType));

    List<Row> buckets = TimelineValues.compute(transactions, streams, FROM, TO, BUCKET, 4).collectAsList();
    assertEquals(2 * 96, buckets.size(), "every bucket of both services");
    int covered = 0;
    for (Row r : buckets) {
      double actual = r.getAs("txn_value");
      if (actual >= r.<Double>getAs("expected_txn_value_low") && actual <= r.<Double>getAs("expected_txn_value_high")) {
        covered++;
      }
    }
    double coverage = covered / (double) buckets.size();
    assertTrue(coverage >= 0.84 && coverage <= 0.96, "90% intervals covered " + coverage);
  }

  /** Streams the incident did not hit are their own counterfactual, and every bucket is there. */
  @Test
  void streamsNotHitExpectTheirActualValue() {
    Dataset<Row> transactions = spark.createDataFrame(List.of(
            RowFactory.create("b1", "video", java.sql.Timestamp.from(FROM.plusSeconds(60)), 5.0, "succeeded"),
            RowFactory.create("b1", "video", java.sql.Timestamp.from(FROM.plusSeconds(120)), 7.0, "failed"),
            RowFactory.create("b1", null, java.sql.Timestamp.from(FROM.plusSeconds(4000)), 3.0, "succeeded")),
        new StructType().add("business_id", DataTypes.StringType).add("service", DataTypes.StringType)
            .add("occurred_at", DataTypes.TimestampType).add(Schemas.AMOUNT_REPORTING, DataTypes.DoubleType)
            .add("status", DataTypes.StringType));
    Dataset<Row> none = spark.createDataFrame(List.of(), new StructType().add("business_id", DataTypes.StringType)
        .add("service", DataTypes.StringType).add("level", DataTypes.DoubleType));
    List<Row> rows = TimelineValues.compute(transactions, none, FROM, FROM.plusSeconds(2 * 3600), BUCKET, 4)
        .orderBy(col("service").asc_nulls_first(), col("bucket_start")).collectAsList();
    assertEquals(16, rows.size(), "8 buckets for video and for transactions without a service");
    assertTrue(rows.get(0).isNullAt(rows.get(0).fieldIndex("service")));
    assertEquals(3.0, rows.get(4).<Double>getAs("txn_value"));
    Row video = rows.get(8);
    assertEquals(5.0, video.<Double>getAs("txn_value"), "failed attempts are not value");
    assertEquals(5.0, video.<Double>getAs("expected_txn_value"));
    assertEquals(0.0, rows.get(9).<Double>getAs("expected_txn_value"));
  }
}
