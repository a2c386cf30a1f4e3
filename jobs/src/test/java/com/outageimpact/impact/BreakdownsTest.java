package com.outageimpact.impact;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.outageimpact.SparkTestSession;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The breakdown by service. */
class BreakdownsTest {

  private final SparkSession spark = SparkTestSession.get();

  /**
   * Without business_services, reliance is derived from the very streams the money comes from:
   * the self-join must still resolve (it failed the whole run with an ambiguous-column error), and
   * a stream without a service keeps its own row.
   */
  @Test
  void byServiceWithRelianceTakenFromTheSameStreams() {
    StructType schema = new StructType().add("business_id", DataTypes.StringType).add("service", DataTypes.StringType)
        .add("expected_value", DataTypes.DoubleType).add("actual_value", DataTypes.DoubleType)
        .add("gross_loss", DataTypes.DoubleType).add("recovered", DataTypes.DoubleType)
        .add("loss_variance", DataTypes.DoubleType).add("failed_txns", DataTypes.LongType)
        .add("failed_value", DataTypes.DoubleType);
    Dataset<Row> streams = spark.createDataFrame(List.of(
        RowFactory.create("b1", "chat", 100.0, 60.0, 50.0, 10.0, 4.0, 3L, 30.0),
        RowFactory.create("b2", "chat", 50.0, 50.0, 0.0, 0.0, 0.0, 0L, 0.0),
        RowFactory.create("b2", null, 20.0, 20.0, 0.0, 0.0, 0.0, 0L, 0.0)), schema);
    Dataset<Row> reliance = streams.filter(col("service").isNotNull()).select("business_id", "service").distinct();
    Dataset<Row> affected = reliance.filter(col("business_id").equalTo("b1"));
    Dataset<Row> business = spark.createDataFrame(List.of(RowFactory.create("b1", true), RowFactory.create("b2", false)),
        new StructType().add("business_id", DataTypes.StringType).add("critical", DataTypes.BooleanType));
    List<Row> rows = Breakdowns.ofServices(streams, reliance, affected, business)
        .select("key", "businesses", "affected_businesses", "critical_affected", "net_loss", "failed_txns")
        .orderBy(col("key").asc_nulls_first()).collectAsList();
    assertEquals("[[null,1,0,0,0.0,0], [chat,2,1,1,40.0,3]]", rows.toString());
  }
}
