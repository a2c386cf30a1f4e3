package com.outageimpact.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.outageimpact.SparkTestSession;
import com.outageimpact.common.StageTimer;
import com.outageimpact.schema.Schemas;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The input rules issue 24 found broken, each on the smallest input that shows it: CSV as RFC 4180
 * (a doubled quote escapes a quote, a backslash is a character), timestamps that need a time and
 * an offset, numbers that must parse exactly, and duplicates whose copies disagree.
 */
class InputRulesTest {

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  private static final String TXN_HEADER = "txn_id,business_id,occurred_at,amount,currency,status,service\n";
  private static final String REPORT_HEADER = "report_id,reported_at,service,region,problem,reporter_hash\n";

  private IngestedData ingest(Path data) {
    Ingestion ingestion = new Ingestion(spark, "USD", null,
        input -> tmp.resolve("rejects").resolve(input).toString(), new StageTimer());
    var options = InputPaths.declare(new com.outageimpact.common.JobOptions("t", "t"), com.outageimpact.RunJob.INPUTS)
        .parse(new String[] {"--data", data.toString()});
    return ingestion.ingest(InputPaths.resolve(options, spark.sparkContext().hadoopConfiguration(),
        com.outageimpact.RunJob.INPUTS));
  }

  private List<Row> rejects(String input) {
    return spark.read().parquet(tmp.resolve("rejects").resolve(input).toString()).collectAsList();
  }

  private static void assertReconciles(InputCounts counts) {
    assertEquals(counts.read(), counts.accepted() + counts.rejected() + counts.duplicates(), counts.toString());
  }

  /** The mini scenario in CSV files, with the transactions and reports replaced by these lines. */
  private Path scenario(String transactions, String reports) throws Exception {
    Path data = MiniScenario.write(tmp.resolve("data"), InputFormat.CSV, MiniScenario.Layout.FILE);
    Files.writeString(data.resolve("transactions.csv"), TXN_HEADER + transactions);
    Files.writeString(data.resolve("reports.csv"), REPORT_HEADER + reports);
    return data;
  }

  @Test
  void csvIsReadAsRfc4180ABackslashIsACharacterAndADoubledQuoteEscapesAQuote() throws Exception {
    Path data = scenario("""
        "T-bs\\",b1,2021-10-04T17:00:00Z,10.00,USD,succeeded,messaging
        "T-q""x",b1,2021-10-04T17:00:00Z,10.00,USD,succeeded,messaging
        "T-c,1",b1,2021-10-04T17:00:00Z,10.00,USD,succeeded,messaging
        """, """
        R-ok,2021-10-04T17:00:00Z,messaging,US,login,h1
        R-bs2,2021-10-04T17:00:00Z,messaging,"US\\",afaf1212afaf1212,x",login,
        """);
    IngestedData ingested = ingest(data);

    InputCounts txns = ingested.transactions().counts();
    assertEquals(Map.of(), txns.rejectedByReason(), "every transaction line is valid RFC 4180");
    assertEquals(List.of("T-bs\\", "T-c,1", "T-q\"x"), ingested.transactions().accepted()
        .select("txn_id").orderBy("txn_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());

    // 8 fields under RFC 4180 against a header of 6: malformed, and only its hash is kept.
    InputCounts reports = ingested.reports().counts();
    assertEquals(Map.of("malformed_row", 1L), reports.rejectedByReason());
    assertEquals(1, reports.accepted());
    assertReconciles(reports);
    List<Row> reportRejects = rejects("reports");
    assertEquals(1, reportRejects.size());
    for (Row row : reportRejects) {
      assertFalse(row.toString().contains("afaf1212"), "reporter text leaked into " + row);
      assertTrue(((String) row.getAs("raw")).startsWith("withheld line, sha256="), row.toString());
    }
  }

  @Test
  void aTimestampNeedsADateATimeAndAnOffset() throws Exception {
    Path data = scenario("""
        t-day,b1,2021-10-04,10.00,USD,succeeded,messaging
        t-local,b1,2021-10-04T17:00:00,10.00,USD,succeeded,messaging
        t-hour,b1,2021-10-04T17Z,10.00,USD,succeeded,messaging
        t-min,b1,2021-10-04T17:00Z,10.00,USD,succeeded,messaging
        t-frac,b1,2021-10-04T13:00:00.250-04:00,10.00,USD,succeeded,messaging
        t-space,b1,2021-10-04 17:00:00+0000,10.00,USD,succeeded,messaging
        """, """
        r-day,2021-10-04,messaging,US,login,h1
        r-dayz,2021-10-04Z,messaging,US,login,h1
        r-ok,2021-10-04T17:00:00+02:00,messaging,US,login,h1
        """);
    IngestedData ingested = ingest(data);

    Map<String, String> details = new TreeMap<>();
    for (Row row : rejects("transactions")) {
      details.put(row.getAs("raw"), row.getAs("detail"));
    }
    // Hours and minutes alone (t-min) are no more than Spark's cast reads: seconds are required.
    assertEquals(Map.of("bad_timestamp", 4L), ingested.transactions().counts().rejectedByReason(), details.toString());
    assertEquals(Map.of("bad_timestamp", 2L), ingested.reports().counts().rejectedByReason());
    assertTrue(details.values().stream().anyMatch(d -> d.equals(
        "occurred_at '2021-10-04' is not an ISO-8601 date and time with an offset or Z")), details.toString());
    Map<String, java.sql.Timestamp> accepted = new TreeMap<>();
    ingested.transactions().accepted().select("txn_id", "occurred_at").collectAsList()
        .forEach(r -> accepted.put(r.getString(0), r.getTimestamp(1)));
    assertEquals(MiniScenario.ts("2021-10-04T17:00:00Z"), accepted.get("t-space"));
    assertEquals(MiniScenario.ts("2021-10-04T17:00:00.250Z"), accepted.get("t-frac"));
    assertEquals(2, accepted.size(), accepted.toString());
  }

}
