package com.outageimpact.impact;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;

import com.outageimpact.detect.Footprint;
import com.outageimpact.schema.Schemas;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Per stream (a business and the service its transactions went through): what it did in the
 * analysis window, and, for streams through an impaired service, what it would have done.
 * See the README, "Impact".
 *
 * <p>One pass over the transactions: each one falls in at most one week-shifted copy of the
 * analysis window ({@code k} weeks before it; {@code k = 0} is the window itself), in one of three
 * parts: the pre-window (the hours before, which set the day's level), the impaired part (up to
 * the service's recovery) and the recovery part (after it). Sums per stream, week and part are
 * small (streams x weeks), and the estimate is plain column arithmetic on them:
 *
 * <ul>
 *   <li>expected = level x the mean of the weeks before, per part; level = the business's
 *       pre-window value against the same hours in the weeks before, shrunk towards all
 *       businesses' level ({@link #levels}): a busy day or week, or growth;
 *   <li>its variance, from how well the same method predicts each baseline week from the others
 *       (leave-one-out), so the interval reflects each stream's real noise and the level's.
 * </ul>
 *
 * Streams through services that stayed up are not estimated: their expected value is their actual.
 */
final class StreamLosses {

  static final long WEEK = 7 * 86400L;

  private StreamLosses() {}

  /**
   * @param services impaired services: service id to its recovery (end of impact)
   * @param footprint where the incident hit
   * @param weeks usable baseline weeks (the data must cover them)
   */
  static Dataset<Row> compute(SparkSession spark, Dataset<Row> transactions, Dataset<Row> businesses,
      Map<String, Instant> services, Footprint footprint, Instant preStart, Instant windowStart,
      Instant windowEnd, int weeks) {
    long pre = preStart.getEpochSecond();
    long start = windowStart.getEpochSecond();
    long end = windowEnd.getEpochSecond();

    List<Row> serviceRows = new ArrayList<>();
    services.forEach((service, recovery) -> serviceRows.add(RowFactory.create(service, recovery.getEpochSecond())));
    Dataset<Row> impaired = spark.createDataFrame(serviceRows,
        new StructType().add("service", DataTypes.StringType).add("recovery_at", DataTypes.LongType));

    Column t = unix_seconds(col("occurred_at"));
    // The week whose shifted window holds the transaction; the shift puts it at t + k weeks.
    Column k = floor(lit(end - 1).minus(t).divide(WEEK)).cast(DataTypes.IntegerType);
    Column shifted = t.plus(k.multiply(WEEK));
    Dataset<Row> tx = transactions
        .filter(col("occurred_at").geq(lit(Timestamp.from(Instant.ofEpochSecond(pre - weeks * WEEK)))))
        .filter(col("occurred_at").lt(lit(Timestamp.from(windowEnd))))
        .select(col("business_id"), col("service"), col(Schemas.AMOUNT_REPORTING).cast("double").as("value"),
            col("status"), k.as("k"), shifted.as("shifted"))
        .filter(col("k").between(0, weeks).and(col("shifted").geq(pre)))
        .join(broadcast(impaired), "service", "left");
    Column part = when(col("shifted").lt(start), lit("pre"))
        .when(col("recovery_at").isNotNull().and(col("shifted").lt(col("recovery_at"))), lit("imp"))
        .otherwise(lit("rec"));
    tx = tx.withColumn("part", part);

    List<Column> sums = new ArrayList<>();
    Column succeeded = col("status").equalTo("succeeded");
    for (int j = 0; j <= weeks; j++) {
      for (String p : List.of("pre", "imp", "rec")) {
        sums.add(sum(when(col("k").equalTo(j).and(col("part").equalTo(p)).and(succeeded), col("value"))
            .otherwise(0.0)).as(p + "_" + j));
      }
    }
    sums.add(count(when(col("k").equalTo(0).and(col("part").equalTo("pre")).and(succeeded), lit(1))).as("n_pre"));
    Column failedNow = col("k").equalTo(0).and(col("part").notEqual("pre")).and(col("status").isin("failed", "timeout"));
    sums.add(count(when(failedNow, lit(1))).as("failed_txns"));
    sums.add(sum(when(failedNow, col("value")).otherwise(0.0)).as("failed_value"));
    Dataset<Row> streams = tx.groupBy(col("business_id"), col("service"), col("recovery_at"))
        .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new));

    // Which streams the incident may have hit: an impaired service, where its loss is estimated.
    Dataset<Row> info = businesses.select(col("business_id"), col("region").as("business_region"));
    streams = streams.join(broadcast(info), "business_id");
    Column hit = col("recovery_at").isNotNull().and(footprint.estimates(col("business_region")));
    streams = streams.withColumn("hit", hit).join(levels(streams, weeks), "business_id");

    Column level = level(0);
    Column expectedImpaired = level.multiply(mean("imp", weeks, -1));
    Column expectedRecovery = level.multiply(mean("rec", weeks, -1));
    Column actual = col("imp_0").plus(col("rec_0"));
    // Leave-one-out: predict each baseline week from the others, the way the outage week is predicted.
    Column squares = lit(0.0);
    for (int j = 1; j <= weeks && weeks >= 2; j++) {
      Column predicted = level(j).multiply(mean("imp", weeks, j).plus(mean("rec", weeks, j)));
      Column residual = col("imp_" + j).plus(col("rec_" + j)).minus(predicted);
      squares = squares.plus(residual.multiply(residual));
    }
    Column variance = weeks >= 2 ? squares.divide(weeks) : lit(0.0);
    return streams.select(col("business_id"), col("service"), col("hit"), level.as("level"),
        col("imp_0").plus(col("rec_0")).as("actual_value"),
        when(col("hit"), expectedImpaired.plus(expectedRecovery)).otherwise(actual).as("expected_value"),
        when(col("hit"), expectedImpaired.minus(col("imp_0"))).otherwise(0.0).as("gross_loss"),
        when(col("hit"), col("rec_0").minus(expectedRecovery)).otherwise(0.0).as("recovered"),
        when(col("hit"), variance).otherwise(0.0).as("loss_variance"),
        col("failed_txns"), col("failed_value"));
  }

  /** Mean of a part over the baseline weeks 1..weeks, leaving out week {@code except} (-1: none). */
  private static Column mean(String part, int weeks, int except) {
    Column total = lit(0.0);
    int n = 0;
    for (int j = 1; j <= weeks; j++) {
      if (j != except) {
        total = total.plus(col(part + "_" + j));
        n++;
      }
    }
    return total.divide(n);
  }

  /**
   * Per business, the level of week {@code target} (0: the outage week; 1..weeks: each baseline
   * week, for the leave-one-out check) as a multiple of the other baseline weeks: the business's
   * pre-window value against theirs, shrunk towards the level of all businesses together by how
   * much its few transactions can say (empirical Bayes: the spread of the levels between
   * businesses beyond what their transaction counts explain, against the noise of its own).
   */
  private static Dataset<Row> levels(Dataset<Row> streams, int weeks) {
    List<Column> sums = new ArrayList<>();
    for (int j = 0; j <= weeks; j++) {
      sums.add(sum("pre_" + j).as("pre_" + j));
    }
    sums.add(sum("n_pre").as("n_pre"));
    Dataset<Row> business = streams.groupBy("business_id").agg(sums.get(0), sums.subList(1, sums.size())
        .toArray(Column[]::new));
    // Relative variance of a value sum over n transactions of about equal spread: about 2 / n.
    Column noise = lit(2.0).divide(greatest(col("n_pre"), lit(1)));
    Column raw0 = col("pre_0").divide(mean("pre", weeks, -1));
    Column usable = mean("pre", weeks, -1).gt(0).and(col("n_pre").gt(0));
    List<Column> global = new ArrayList<>();
    for (int j = 0; j <= weeks; j++) {
      global.add(sum("pre_" + j).as("total_" + j));
      global.add(sum(mean("pre", weeks, j == 0 ? -1 : j)).as("others_" + j));
    }
    global.add(org.apache.spark.sql.functions.avg(when(usable, raw0)).as("raw_mean"));
    global.add(org.apache.spark.sql.functions.avg(when(usable, raw0.multiply(raw0))).as("raw_square"));
    global.add(org.apache.spark.sql.functions.avg(when(usable, noise)).as("noise_mean"));
    Row g = business.agg(global.get(0), global.subList(1, global.size()).toArray(Column[]::new)).first();
    double rawMean = g.isNullAt(g.fieldIndex("raw_mean")) ? 1 : g.<Double>getAs("raw_mean");
    double rawSquare = g.isNullAt(g.fieldIndex("raw_square")) ? 1 : g.<Double>getAs("raw_square");
    double noiseMean = g.isNullAt(g.fieldIndex("noise_mean")) ? 0 : g.<Double>getAs("noise_mean");
    double spread = Math.max(0, rawSquare - rawMean * rawMean - noiseMean);
    Column weight = lit(spread).divide(lit(spread).plus(noise));
    List<Column> out = new ArrayList<>(List.of(col("business_id")));
    for (int j = 0; j <= weeks; j++) {
      double others = g.<Double>getAs("others_" + j);
      double overall = others > 0 ? g.<Double>getAs("total_" + j) / others : 1;
      Column baseline = mean("pre", weeks, j == 0 ? -1 : j);
      Column raw = col("pre_" + j).divide(baseline);
      Column shrunk = lit(overall).plus(raw.minus(overall).multiply(weight));
      out.add(when(baseline.gt(0), least(lit(2.0), greatest(lit(0.5), shrunk))).otherwise(overall)
          .as("level_" + j));
    }
    return business.select(out.toArray(Column[]::new));
  }

  /** Week {@code target}'s level (see {@link #levels}). */
  private static Column level(int target) {
    return col("level_" + target);
  }
}
