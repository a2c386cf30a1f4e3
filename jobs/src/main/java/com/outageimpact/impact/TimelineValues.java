package com.outageimpact.impact;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;

import com.outageimpact.schema.Schemas;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * The transaction columns of the timeline: per service and bucket, the value that went through
 * and the value expected, by the same counterfactual as the loss (so that, over the analysis
 * window, expected minus actual sums to the net loss). Streams the incident did not hit are their
 * own counterfactual; a hit stream's expected value is its business's level times the mean of the
 * same bucket in the baseline weeks. The bucket's interval is a prediction interval from the
 * spread of those weeks (Student t, since there are only a few of them); it leaves out the
 * level's own uncertainty, which the per-business intervals carry.
 *
 * <p>One aggregation over the transactions of the timeline's range and its week-shifted copies,
 * grouped to service x bucket: small, whatever the number of transactions.
 */
final class TimelineValues {

  private TimelineValues() {}

  /**
   * @param hitStreams business_id, service, level: the streams the incident hit (small: broadcast)
   * @return bucket_start, service (null: transactions without one), txn_value, expected_txn_value,
   *     expected_txn_value_low, expected_txn_value_high, for every bucket of [from, to)
   */
  static Dataset<Row> compute(SparkSession spark, Dataset<Row> transactions, Dataset<Row> hitStreams,
      Instant from, Instant to, long bucketSeconds, int weeks) {
    long start = from.getEpochSecond() / bucketSeconds * bucketSeconds;
    long end = to.getEpochSecond();
    Column t = unix_seconds(col("occurred_at"));
    Column k = floor(lit(end - 1).minus(t).divide(StreamLosses.WEEK)).cast(DataTypes.IntegerType);
    Column shifted = t.plus(k.multiply(StreamLosses.WEEK));
    Dataset<Row> tx = transactions
        .filter(col("occurred_at").geq(lit(Timestamp.from(Instant.ofEpochSecond(start - weeks * StreamLosses.WEEK)))))
        .filter(col("occurred_at").lt(lit(Timestamp.from(to))))
        .filter(col("status").equalTo("succeeded"))
        .select(col("business_id"), col("service"), col(Schemas.AMOUNT_REPORTING).cast("double").as("value"),
            k.as("k"), shifted.as("shifted"))
        .filter(col("k").between(0, weeks).and(col("shifted").geq(start)))
        .join(broadcast(hitStreams.select("business_id", "service", "level")),
            new String[] {"business_id", "service"}, "left")
        .withColumn("bucket", floor(col("shifted").divide(bucketSeconds)).multiply(bucketSeconds));

    Column now = col("k").equalTo(0);
    Column hit = col("level").isNotNull();
    List<Column> sums = new ArrayList<>();
    sums.add(sum(when(now, col("value")).otherwise(0.0)).as("txn_value"));
    sums.add(sum(when(now.and(col("level").isNull()), col("value")).otherwise(0.0)).as("unhit_value"));
    for (int j = 1; j <= weeks; j++) {
      sums.add(sum(when(col("k").equalTo(j).and(hit), col("value").multiply(col("level"))).otherwise(0.0))
          .as("base_" + j));
    }
    Dataset<Row> values = tx.groupBy("service", "bucket")
        .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new));

    // Every bucket of every service seen, so that a bucket without transactions reads 0, not missing.
    Dataset<Row> buckets = spark.range(start, end, bucketSeconds).withColumnRenamed("id", "bucket");
    Dataset<Row> grid = values.select(col("service").as("grid_service")).distinct().crossJoin(buckets);
    List<Column> columns = new ArrayList<>(List.of(col("grid_service").as("service"), col("grid_bucket").as("bucket")));
    for (String name : values.columns()) {
      if (!name.equals("service") && !name.equals("bucket")) {
        columns.add(coalesce(col(name), lit(0.0)).as(name));
      }
    }
    values = grid.withColumnRenamed("bucket", "grid_bucket")
        .join(values, col("grid_service").eqNullSafe(col("service")).and(col("grid_bucket").equalTo(col("bucket"))),
            "left")
        .select(columns.toArray(Column[]::new));

    Column mean = lit(0.0);
    for (int j = 1; j <= weeks; j++) {
      mean = mean.plus(col("base_" + j));
    }
    mean = mean.divide(weeks);
    Column expected = col("unhit_value").plus(mean);
    Column half = lit(null).cast(DataTypes.DoubleType);
    if (weeks >= 2) {
      Column squares = lit(0.0);
      for (int j = 1; j <= weeks; j++) {
        squares = squares.plus(col("base_" + j).minus(mean).multiply(col("base_" + j).minus(mean)));
      }
      // A new week's deviation from the mean of `weeks` others: s * sqrt(1 + 1/weeks).
      half = sqrt(squares.divide(weeks - 1)).multiply(Math.sqrt(1 + 1.0 / weeks) * StudentT.t90(weeks - 1));
    }
    return values.select(timestamp_seconds(col("bucket")).as("bucket_start"), col("service"),
        col("txn_value"), expected.as("expected_txn_value"), expected.minus(half).as("expected_txn_value_low"),
        expected.plus(half).as("expected_txn_value_high"));
  }

}
