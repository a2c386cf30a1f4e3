package com.outageimpact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The plain Spark reference of issue 20's benchmark ({@code benchmarks/run-vs-references.sh}): the
 * same core work as {@code benchmarks/duckdb_reference.py}, written as Spark SQL the obvious way,
 * with Spark's default settings in {@code local[*]}. It shows what Spark costs as used naively, so
 * that the jobs' own cost can be told apart from Spark's.
 *
 * <pre>benchmarks/evaluate.sh PlainSparkReference DATA</pre>
 */
public final class PlainSparkReference {

  private PlainSparkReference() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: PlainSparkReference DATA");
    }
    String data = args[0];
    JsonNode updates = new ObjectMapper().readTree(new File(data, "incident.json")).get("updates");
    String start = updates.get(0).get("at").asText();
    String end = updates.get(updates.size() - 1).get("at").asText();
    SparkSession spark = SparkSession.builder().master("local[*]").appName("plain-spark-reference").getOrCreate();
    try {
      long began = System.nanoTime();
      File transactions = new File(data, "transactions");
      Dataset<Row> source = holdsParquet(transactions)
          ? spark.read().parquet(transactions.getPath())
          : spark.read().option("header", "true").csv(transactions.getPath());
      source.createOrReplaceTempView("source");
      smallTable(spark, new File(data, "fx_rates")).createOrReplaceTempView("fx_rates");
      smallTable(spark, new File(data, "businesses")).createOrReplaceTempView("businesses");
      List<Row> rows = spark.sql("""
          WITH typed AS (
            SELECT trim(txn_id) AS txn_id, trim(business_id) AS business_id,
                   try_cast(occurred_at AS TIMESTAMP) AS occurred_at,
                   try_cast(amount AS DECIMAL(18, 6)) AS amount,
                   upper(coalesce(nullif(trim(currency), ''), 'USD')) AS currency,
                   lower(coalesce(nullif(trim(status), ''), 'succeeded')) AS status
            FROM source),
          one_per_key AS (
            SELECT txn_id, first(business_id) AS business_id, first(occurred_at) AS occurred_at,
                   first(amount) AS amount, first(currency) AS currency, first(status) AS status
            FROM typed
            WHERE txn_id <> '' AND business_id <> '' AND occurred_at IS NOT NULL AND amount IS NOT NULL
            GROUP BY txn_id),
          per_bucket AS (
            SELECT b.sector, window(t.occurred_at, '5 minutes').start AS bucket,
                   sum(CAST(t.amount AS DECIMAL(38, 6)) * CAST(f.rate_to_reporting AS DECIMAL(18, 10))) AS value
            FROM one_per_key t
            JOIN fx_rates f ON f.currency = t.currency
            JOIN businesses b ON b.business_id = t.business_id
            WHERE t.status = 'succeeded'
              AND t.occurred_at >= TIMESTAMP '%1$s' - INTERVAL 4 WEEKS
              AND t.occurred_at < TIMESTAMP '%2$s'
            GROUP BY b.sector, window(t.occurred_at, '5 minutes').start),
          expected AS (
            SELECT o.sector, o.bucket, o.value, coalesce(sum(p.value), 0) / 4 AS expected
            FROM per_bucket o
            LEFT JOIN per_bucket p ON p.sector = o.sector
              AND p.bucket IN (o.bucket - INTERVAL 1 WEEK, o.bucket - INTERVAL 2 WEEKS,
                               o.bucket - INTERVAL 3 WEEKS, o.bucket - INTERVAL 4 WEEKS)
            WHERE o.bucket >= TIMESTAMP '%1$s'
            GROUP BY o.sector, o.bucket, o.value)
          SELECT sector, sum(expected - value) AS net_loss, count(*) AS buckets
          FROM expected GROUP BY sector ORDER BY sector
          """.formatted(start, end)).collectAsList();
      double seconds = (System.nanoTime() - began) / 1e9;
      for (Row row : rows) {
        System.out.printf("%-16s net loss %16.2f over %d buckets%n", row.getString(0),
            row.getDecimal(1).doubleValue(), row.getLong(2));
      }
      System.out.printf("plain spark query: %.1f s%n", seconds);
    } finally {
      spark.stop();
    }
  }

  /** A small input (fx_rates, businesses) as the generator wrote it: Parquet or CSV (typed by inference). */
  private static Dataset<Row> smallTable(SparkSession spark, File folder) throws java.io.IOException {
    return holdsParquet(folder) ? spark.read().parquet(folder.getPath())
        : spark.read().option("header", "true").option("inferSchema", "true").csv(folder.getPath());
  }

  /** Whether the generator wrote this input as Parquet (any file under it, date partitions included). */
  private static boolean holdsParquet(File folder) throws java.io.IOException {
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(folder.toPath())) {
      return files.anyMatch(p -> p.toString().endsWith(".parquet"));
    }
  }
}
