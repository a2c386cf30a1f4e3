package com.outageimpact.impact;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.outageimpact.SparkTestSession;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** A business's loss variance carries the covariance of its streams ({@link StreamLosses#businessLossVariance}). */
class BusinessVarianceTest {

  private final SparkSession spark = SparkTestSession.get();

  /** A stream with its leave-one-out residuals over three weeks (0 where a week was left out). */
  private static Row stream(String business, double r1, double r2, double r3) {
    double squares = r1 * r1 + r2 * r2 + r3 * r3;
    int kept = (r1 != 0 ? 1 : 0) + (r2 != 0 ? 1 : 0) + (r3 != 0 ? 1 : 0);
    return RowFactory.create(business, squares / kept, r1, r2, r3, squares);
  }

  private Map<String, Double> variances(List<Row> streams) {
    StructType schema = new StructType().add("business_id", DataTypes.StringType)
        .add("loss_variance", DataTypes.DoubleType).add("residual_1", DataTypes.DoubleType)
        .add("residual_2", DataTypes.DoubleType).add("residual_3", DataTypes.DoubleType)
        .add("residual_squares", DataTypes.DoubleType);
    Map<String, Double> out = new HashMap<>();
    for (Row r : spark.createDataFrame(streams, schema).groupBy("business_id")
        .agg(StreamLosses.businessLossVariance(3).as("v")).collectAsList()) {
      out.put(r.getString(0), r.getDouble(1));
    }
    return out;
  }

  @Test
  void streamsThatMoveTogetherAddMoreThanTheirOwnVariances() {
    Map<String, Double> v = variances(List.of(
        // Two streams with the same residuals: the sum's variance is 4 times one stream's, not 2.
        stream("together", 3, -2, 1), stream("together", 3, -2, 1),
        // Opposite residuals cancel in the business's sum.
        stream("opposite", 3, -2, 1), stream("opposite", -3, 2, -1),
        // One stream: its own variance.
        stream("single", 3, -2, 1),
        // Services that left out different weeks: each stream's variance is over its own two kept
        // weeks (4 and 9), and the ratio compares the week sums' squares (4 + 9 + 1) with the
        // streams' own (8 + 18) over the same residuals: 13 x 14 / 26.
        stream("different weeks", 2, 0, 2), stream("different weeks", 0, 3, -3)));
    double one = (9 + 4 + 1) / 3.0;
    assertEquals(4 * one, v.get("together"), 1e-9);
    assertEquals(0, v.get("opposite"), 1e-9);
    assertEquals(one, v.get("single"), 1e-9);
    assertEquals(13.0 * 14 / 26, v.get("different weeks"), 1e-9);
  }

  @Test
  void withOneWeekTheStreamsVariancesAdd() {
    StructType schema = new StructType().add("business_id", DataTypes.StringType)
        .add("loss_variance", DataTypes.DoubleType);
    Row r = spark.createDataFrame(List.of(RowFactory.create("b", 2.0), RowFactory.create("b", 5.0)), schema)
        .groupBy("business_id").agg(StreamLosses.businessLossVariance(1)).first();
    assertEquals(7.0, r.getDouble(1), 1e-9);
  }
}
