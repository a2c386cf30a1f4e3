package com.outageimpact.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.outageimpact.SparkTestSession;
import com.outageimpact.schema.Schemas;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Parquet scenario with a regional DNS outage and no declared incident. */
class ParquetRegionalScenarioTest {

  @TempDir
  static Path dir;

  static ScenarioTruth truth;
  static SparkSession spark;

  @BeforeAll
  static void generate() {
    spark = SparkTestSession.get();
    truth = GenerateJob.run(spark, GenerateJob.options().parse(new String[] {
        "--out", dir.toString(), "--seed", "11", "--format", "parquet", "--businesses", "40", "--weeks", "1",
        "--transactions", "10000", "--report-scale", "0.05", "--root", "dns", "--outage-regions", "US,GB",
        "--no-incident"}));
  }

  private Dataset<Row> read(String table) {
    return spark.read().parquet(dir.resolve(table).toString());
  }

  @Test
  void parquetColumnsHaveTheContractTypes() {
    assertFalse(Files.exists(dir.resolve("incident.json")));
    Dataset<Row> txns = read("transactions");
    assertEquals(DataTypes.TimestampType, txns.schema().apply("occurred_at").dataType());
    assertEquals(Schemas.MONEY, txns.schema().apply("amount").dataType());
    assertEquals(DataTypes.TimestampType, read("reports").schema().apply("reported_at").dataType());
    assertEquals(DataTypes.BooleanType, read("businesses").schema().apply("critical").dataType());
    assertEquals(Schemas.MONEY, read("businesses").schema().apply("monthly_fee").dataType());
    assertEquals(DataTypes.DoubleType, read("business_services").schema().apply("share").dataType());
    assertEquals(Schemas.FX_RATE, read("fx_rates").schema().apply("rate_to_reporting").dataType());
    assertEquals(Schemas.PERCENT, read("sla_tiers").schema().apply("credit_pct").dataType());
    assertEquals(truth.inputs().get("transactions").read(), txns.count());
    assertEquals(truth.inputs().get("reports").read(), read("reports").count());
    assertEquals(truth.inputs().get("businesses").read(), read("businesses").count());
    // Text-only defects cannot exist in Parquet.
    assertEquals(Set.of("missing_required", "bad_value", "unknown_business", "unknown_service", "unknown_currency"),
        truth.inputs().get("transactions").rejectedByReason().keySet());
  }

  @Test
  void dnsRootStates() {
    assertEquals("degraded", truth.component("payments-api").state());
    assertEquals("down", truth.component("messaging").state());
    assertEquals("up", truth.component("storage-backend").state());
    assertEquals(List.of("US", "GB"), truth.outageRegions());
  }

  @Test
  void onlyBusinessesInTheOutageRegionsLoseAnything() {
    Dataset<Row> business = read("truth/businesses");
    for (Row r : business.collectAsList()) {
      String region = r.getAs("region");
      BigDecimal cf = r.getAs("counterfactual_value");
      BigDecimal gross = r.getAs("gross_loss");
      BigDecimal rec = r.getAs("recovered");
      BigDecimal actual = r.getAs("actual_value");
      assertEquals(0, cf.subtract(gross).add(rec).compareTo(actual), r.toString());
      if (!region.equals("US") && !region.equals("GB")) {
        assertEquals(0, gross.signum(), r.toString());
        assertEquals(false, r.getAs("affected"));
        assertEquals(0.0, (double) r.getAs("downtime_minutes"));
      }
    }
    assertTrue(truth.totals().affectedBusinesses() > 0);
    assertTrue(truth.totals().grossLoss().signum() > 0);
  }

  @Test
  void actualValuePerSectorIsWhatTheParquetTransactionsSay() {
    // Accepted rows as the contract defines them (the generator's Parquet bad rows are of these kinds).
    Dataset<Row> businesses = read("businesses").where(col("sector").isNotNull().and(trim(col("sector")).notEqual(""))
        .and(col("region").rlike("^[A-Z]{2}$")).and(col("monthly_fee").geq(lit(0)))
        .and(col("sla_tier").isin("gold", "standard", "basic")));
    assertEquals(40, businesses.count());
    Dataset<Row> fx = read("fx_rates");
    Column valid = col("business_id").isNotNull().and(trim(col("business_id")).notEqual(""))
        .and(col("occurred_at").isNotNull()).and(col("amount").isNotNull())
        .and(col("status").isin("succeeded", "failed", "timeout", "declined"))
        .and(col("service").isNull().or(col("service").isin(truth.components().stream()
            .map(ScenarioTruth.Component::id).toArray())));
    Dataset<Row> txns = read("transactions").where(valid).dropDuplicates("txn_id")
        .join(businesses.select("business_id", "sector"), "business_id")
        .join(fx, "currency")
        .where(col("occurred_at").geq(lit(java.sql.Timestamp.from(truth.windowStart())))
            .and(col("occurred_at").lt(lit(java.sql.Timestamp.from(truth.windowEnd()))))
            .and(col("status").equalTo("succeeded")));
    Map<String, BigDecimal> actual = new HashMap<>();
    for (Row r : txns.groupBy("sector")
        .agg(sum(Schemas.toReporting(col("amount"), col("rate_to_reporting"))).as("actual")).collectAsList()) {
      actual.put(r.getString(0), r.getDecimal(1));
    }
    for (Row s : read("truth/sectors").collectAsList()) {
      BigDecimal expected = s.getAs("actual_value");
      assertEquals(0, expected.compareTo(actual.getOrDefault(s.<String>getAs("sector"), BigDecimal.ZERO)),
          s.toString());
    }
  }
}
