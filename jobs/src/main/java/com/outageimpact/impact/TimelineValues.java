package com.outageimpact.impact;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;

import com.outageimpact.schema.Schemas;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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

  /** The hit streams with recovery_at and keep_* columns, all weeks kept where they are not given. */
  private static Dataset<Row> withKeeps(Dataset<Row> hitStreams, int weeks) {
    List<String> names = List.of(hitStreams.columns());
    List<Column> out = new ArrayList<>(List.of(col("business_id"), col("service"), col("level"),
        names.contains("recovery_at") ? col("recovery_at") : lit(null).cast(DataTypes.LongType).as("recovery_at")));
    for (int j = 1; j <= weeks; j++) {
      for (String p : List.of("imp", "rec")) {
        String name = "keep_" + p + "_" + j;
        out.add(names.contains(name) ? col(name) : lit(1.0).as(name));
      }
    }
    return hitStreams.select(out.toArray(Column[]::new));
  }

  /**
   * @param hitStreams business_id, service, level: the streams the incident hit (small: broadcast);
   *     optionally recovery_at and keep_imp_j / keep_rec_j, the weeks the loss combines per part
   *     ({@link StreamLosses#keptWeeks}); without them every week counts
   * @return bucket_start, service (null: transactions without one), txn_value, expected_txn_value,
   *     expected_txn_value_low, expected_txn_value_high, for every bucket of [from, to)
   */
  static Dataset<Row> compute(Dataset<Row> transactions, Dataset<Row> hitStreams,
      Instant from, Instant to, long bucketSeconds, int weeks) {
    long start = from.getEpochSecond() / bucketSeconds * bucketSeconds;
    long end = to.getEpochSecond();
    Column t = unix_seconds(col("occurred_at"));
    Column k = floor(lit(end - 1).minus(t).divide(StreamLosses.WEEK)).cast(DataTypes.IntegerType);
    Column shifted = t.plus(k.multiply(StreamLosses.WEEK));
    Dataset<Row> tx = transactions
        .filter(StreamLosses.inWeekCopies(start, end, 0, weeks))
        .filter(col("status").equalTo("succeeded"))
        .select(col("business_id"), col("service"), col(Schemas.AMOUNT_REPORTING).cast("double").as("value"),
            k.as("k"), shifted.as("shifted"))
        .filter(col("k").between(0, weeks).and(col("shifted").geq(start)))
        .join(broadcast(withKeeps(hitStreams, weeks)), new String[] {"business_id", "service"}, "left")
        .withColumn("bucket", floor(col("shifted").divide(bucketSeconds)).multiply(bucketSeconds));

    Column now = col("k").equalTo(0);
    Column hit = col("level").isNotNull();
    // The loss's part of the transaction's time, and so which weeks its mean combines.
    Column impaired = col("recovery_at").isNotNull().and(col("shifted").lt(col("recovery_at")));
    Column kept = lit(0.0);
    for (int j = 1; j <= weeks; j++) {
      kept = kept.plus(when(impaired, col("keep_imp_" + j)).otherwise(col("keep_rec_" + j)));
    }
    Column weight = null;
    for (int j = 1; j <= weeks; j++) {
      Column keep = when(impaired, col("keep_imp_" + j)).otherwise(col("keep_rec_" + j));
      weight = weight == null ? when(col("k").equalTo(j), keep) : weight.when(col("k").equalTo(j), keep);
    }
    weight = when(kept.gt(0), weight.otherwise(0.0).divide(kept)).otherwise(0.0);
    List<Column> sums = new ArrayList<>();
    sums.add(sum(when(now, col("value")).otherwise(0.0)).as("txn_value"));
    sums.add(sum(when(now.and(col("level").isNull()), col("value")).otherwise(0.0)).as("unhit_value"));
    // The expected value summed per transaction, so that it adds up to the loss's exactly.
    sums.add(sum(when(col("k").geq(1).and(hit), col("value").multiply(col("level")).multiply(weight)).otherwise(0.0))
        .as("base_mean"));
    for (int j = 1; j <= weeks; j++) {
      sums.add(sum(when(col("k").equalTo(j).and(hit), col("value").multiply(col("level"))).otherwise(0.0))
          .as("base_" + j));
      // A week counts in the bucket's spread when the loss combines it there.
      Column keep = when(impaired, col("keep_imp_" + j)).otherwise(col("keep_rec_" + j));
      sums.add(org.apache.spark.sql.functions.max(when(hit, keep)).as("kept_" + j));
    }
    Dataset<Row> values = tx.groupBy("service", "bucket")
        .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new));

    // Every bucket of every service seen, so that a bucket without transactions reads 0, not missing:
    // each service's buckets gathered into a map, and its range laid out from that map. The sums
    // are read once. (The services seen, crossed with the range and joined back to the sums, made a
    // plan that summed the transactions twice, once for the services alone: 32.7 s of task time at
    // 100 million, against 27.5 s for the one read; docs/benchmarks.md, session 24.)
    List<Column> bucketSums = new ArrayList<>();
    List<Column> columns = new ArrayList<>(List.of(col("service"), col("bucket")));
    for (String name : values.columns()) {
      if (!name.equals("service") && !name.equals("bucket")) {
        bucketSums.add(col(name));
        columns.add(coalesce(col("sums").getItem(col("bucket")).getField(name), lit(0.0)).as(name));
      }
    }
    Column range = end > start
        ? sequence(lit(start), lit(end - 1), lit(bucketSeconds))
        : array().cast(DataTypes.createArrayType(DataTypes.LongType));
    values = values
        .groupBy("service")
        .agg(map_from_entries(collect_list(struct(col("bucket"), struct(bucketSums.toArray(Column[]::new)))))
            .as("sums"))
        .select(col("service"), col("sums"), explode(range).as("bucket"))
        .select(columns.toArray(Column[]::new));

    Column expected = col("unhit_value").plus(col("base_mean"));
    // The spread over the weeks combined: a bucket without hit streams keeps them all.
    Column any = lit(0.0);
    for (int j = 1; j <= weeks; j++) {
      any = any.plus(col("kept_" + j));
    }
    values = values.withColumn("kept_any", any);
    Column n = lit(0.0);
    Column mean = lit(0.0);
    for (int j = 1; j <= weeks; j++) {
      values = values.withColumn("kept_" + j, when(col("kept_any").equalTo(0), lit(1.0)).otherwise(col("kept_" + j)));
      n = n.plus(col("kept_" + j));
      mean = mean.plus(col("kept_" + j).multiply(col("base_" + j)));
    }
    mean = mean.divide(greatest(n, lit(1.0)));
    Column squares = lit(0.0);
    for (int j = 1; j <= weeks; j++) {
      Column d = col("base_" + j).minus(mean);
      squares = squares.plus(col("kept_" + j).multiply(d).multiply(d));
    }
    // A new week's deviation from the mean of n others: s * sqrt(1 + 1/n), with n - 1 degrees of freedom.
    Column half = when(n.geq(2), sqrt(squares.divide(n.minus(1))).multiply(sqrt(lit(1.0).plus(lit(1.0).divide(n))))
        .multiply(StudentT.t90(n.minus(1))));
    half = half.cast(DataTypes.DoubleType);
    return values.select(timestamp_seconds(col("bucket")).as("bucket_start"), col("service"),
        col("txn_value"), expected.as("expected_txn_value"), expected.minus(half).as("expected_txn_value_low"),
        expected.plus(half).as("expected_txn_value_high"));
  }

}
