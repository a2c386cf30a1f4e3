package com.outageimpact.impact;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.outageimpact.SparkTestSession;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The 90% half-widths of sums of few-week variances. */
class StudentTTest {

  @Test
  void quantilesMatchStudentsTable() {
    assertEquals(6.314, StudentT.t90(1), 1e-9);
    assertEquals(2.353, StudentT.t90(3), 1e-9);
    // Beyond the table, the expansion: t(0.95; 12) = 1.782, t(0.95; 30) = 1.697, t(0.95; 1000) = 1.646.
    assertEquals(1.782, StudentT.t90(12), 0.002);
    assertEquals(1.697, StudentT.t90(30), 0.001);
    assertEquals(1.646, StudentT.t90(1000), 0.001);
  }

  @Test
  void oneBusinessKeepsItsFewDegreesOfFreedomAndManyEqualOnesApproachTheNormal() {
    // One business over 4 weeks: 3 degrees of freedom.
    assertEquals(2.353 * 10, StudentT.halfWidth(100, 100 * 100, 4), 1e-9);
    // 40 equal businesses: 120 degrees of freedom, close to z.
    assertEquals(StudentT.t90(120) * Math.sqrt(4000), StudentT.halfWidth(4000, 40 * 100 * 100, 4), 1e-9);
    // 40 businesses, one carrying nearly all the variance: about as few as one.
    double dominated = StudentT.halfWidth(10_000 + 39, 10_000.0 * 10_000 + 39, 4);
    assertEquals(2.353 * Math.sqrt(10_039), dominated, 0.01 * dominated);
    assertEquals(0, StudentT.halfWidth(0, 0, 4));
  }

  @Test
  void theColumnAgreesWithTheDriver() {
    List<Row> rows = List.of(RowFactory.create(100.0, 10_000.0), RowFactory.create(4000.0, 400_000.0),
        RowFactory.create(250.0, 250.0 * 250 / 2.5), RowFactory.create(0.0, 0.0));
    StructType schema = new StructType().add("v", DataTypes.DoubleType).add("v2", DataTypes.DoubleType);
    List<Row> out = SparkTestSession.get().createDataFrame(rows, schema)
        .select(functions.col("v"), functions.col("v2"),
            StudentT.halfWidth(functions.col("v"), functions.col("v2"), 4).as("half"))
        .collectAsList();
    for (Row r : out) {
      // The column rounds fractional degrees of freedom down within the table, as the driver does.
      assertEquals(StudentT.halfWidth(r.getDouble(0), r.getDouble(1), 4), r.getDouble(2), 1e-9, r.toString());
    }
  }
}
