package com.outageimpact.common;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.outageimpact.SparkTestSession;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** One projection gives what the same chain of withColumn calls gives: names, order and values. */
class DerivedColumnsTest {

  private static Dataset<Row> rows() {
    return SparkTestSession.get().createDataFrame(
        List.of(RowFactory.create("a", 2.0, 3.0), RowFactory.create("b", 5.0, 7.0)),
        new StructType().add("id", "string").add("x", "double").add("y", "double"));
  }

  @Test
  void aStepReplacesInPlaceAppendsInOrderAndMatchesTheWithColumnChain() {
    Dataset<Row> derived = DerivedColumns.of()
        .put("sum", col("x").plus(col("y")))
        .put("x", col("x").multiply(10)) // replaced where it stands
        .put("scaled_y", col("y").multiply(col("x"))) // reads x as it was before the step
        .put("label", lit("k"))
        .addTo(rows());
    Dataset<Row> chained = rows()
        .withColumn("sum", col("x").plus(col("y")))
        .withColumn("scaled_y", col("y").multiply(col("x")))
        .withColumn("x", col("x").multiply(10))
        .withColumn("label", lit("k"));
    assertArrayEquals(new String[] {"id", "x", "y", "sum", "scaled_y", "label"}, derived.columns());
    assertArrayEquals(chained.columns(), derived.columns());
    assertEquals(chained.orderBy("id").collectAsList(), derived.orderBy("id").collectAsList());
    Row a = derived.orderBy("id").first();
    assertEquals(20.0, a.<Double>getAs("x"));
    assertEquals(6.0, a.<Double>getAs("scaled_y"));
  }
}
