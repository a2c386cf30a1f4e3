package com.outageimpact.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.outageimpact.SparkTestSession;
import com.outageimpact.common.StageTimer;
import com.outageimpact.schema.Schemas;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
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

  @AfterEach
  void releaseIngested() {
    com.outageimpact.SparkTestSession.releaseIngested();
  }

  private static final String TXN_HEADER = "txn_id,business_id,occurred_at,amount,currency,status,service\n";
  private static final String REPORT_HEADER = "report_id,reported_at,service,region,problem,reporter_hash\n";

  private IngestedData ingest(Path data) {
    Ingestion ingestion = new Ingestion(spark, "USD", null,
        input -> tmp.resolve("rejects").resolve(input).toString(), new StageTimer());
    var options = InputPaths.declare(new com.outageimpact.common.JobOptions("t", "t"), com.outageimpact.RunJob.INPUTS)
        .parse(new String[] {"--data", data.toString()});
    return SparkTestSession.releasedAfterTest(ingestion.ingest(InputPaths.resolve(options,
        spark.sparkContext().hadoopConfiguration(), com.outageimpact.RunJob.INPUTS)));
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
        R-1,2021-10-04T17:00:00Z,messaging,US,"P-bs\\",h1
        R-2,2021-10-04T17:00:00Z,messaging,US,"P-q""x",h1
        R-3,2021-10-04T17:00:00Z,messaging,US,"P-c,1",h1
        """);
    IngestedData ingested = ingest(data);

    // Three distinct keys, each read whole (the key is not carried past the ingest; the reports'
    // problem field below shows the same fields' values).
    InputCounts txns = ingested.transactions().counts();
    assertEquals(Map.of(), txns.rejectedByReason(), "every transaction line is valid RFC 4180");
    assertEquals(3, txns.accepted());
    assertEquals(0, txns.duplicates());
    assertEquals(List.of("P-bs\\", "P-c,1", "P-q\"x", "login"), ingested.reports().accepted()
        .select("problem").orderBy("problem").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());

    // 8 fields under RFC 4180 against a header of 6: malformed, and only its hash is kept.
    InputCounts reports = ingested.reports().counts();
    assertEquals(Map.of("malformed_row", 1L), reports.rejectedByReason());
    assertEquals(4, reports.accepted());
    assertReconciles(reports);
    List<Row> reportRejects = rejects("reports");
    assertEquals(1, reportRejects.size());
    for (Row row : reportRejects) {
      assertFalse(row.toString().contains("afaf1212"), "reporter text leaked into " + row);
      assertTrue(((String) row.getAs("raw")).startsWith("withheld line, sha256="), row.toString());
    }
  }

  @Test
  void identicalBadLinesAreRejectedOneRowEachAndADroppedConflictingCopyKeepsItsRawRow() throws Exception {
    // Ingestion groups a key's identical copies before it writes rejects: rejected rows that are
    // identical must still come out once each, and an accepted copy's raw row, which the grouping
    // does not keep, must still reach the reject row of a conflicting duplicate.
    Path data = scenario("""
        t-bad,b1,2021-10-04T17:00:00Z,ten,USD,succeeded,messaging
        t-bad,b1,2021-10-04T17:00:00Z,ten,USD,succeeded,messaging
        t-bad,b1,2021-10-04T17:00:00Z,ten,USD,succeeded,messaging
        t-ok,b1,2021-10-04T17:00:00Z,10.00,USD,succeeded,messaging
        t-ok,b1,2021-10-04T17:00:00Z,10.000,USD,succeeded,messaging
        t-two,b1,2021-10-04T17:00:00Z,10.00,USD,succeeded,messaging
        t-two,b1,2021-10-04T17:00:00Z,99.00,USD,succeeded,messaging
        """, """
        r-ok,2021-10-04T17:00:00Z,messaging,US,login,h1
        """);
    IngestedData ingested = ingest(data);

    InputCounts txns = ingested.transactions().counts();
    assertEquals(Map.of("bad_number", 3L, "conflicting_duplicate", 1L), txns.rejectedByReason());
    assertEquals(2, txns.accepted());
    assertEquals(1, txns.duplicates(), "10.00 and 10.000 are one content");
    assertReconciles(txns);
    List<Row> rejects = rejects("transactions");
    assertEquals(4, rejects.size(), rejects.toString());
    assertEquals(3, rejects.stream().filter(r -> "bad_number".equals(r.getAs("reason"))
        && ((String) r.getAs("raw")).contains("\"ten\"")
        && ((String) r.getAs("source_file")).endsWith("transactions.csv")).count(), rejects.toString());
    Row conflict = rejects.stream().filter(r -> "conflicting_duplicate".equals(r.getAs("reason"))).findFirst()
        .orElseThrow();
    assertTrue(((String) conflict.getAs("raw")).contains("t-two"), conflict.toString());
    assertTrue(((String) conflict.getAs("source_file")).endsWith("transactions.csv"), conflict.toString());
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
    // t-space and t-frac, in time order.
    assertEquals(List.of(MiniScenario.ts("2021-10-04T17:00:00Z"), MiniScenario.ts("2021-10-04T17:00:00.250Z")),
        ingested.transactions().accepted().select("occurred_at").orderBy("occurred_at").collectAsList().stream()
            .map(r -> r.getTimestamp(0)).toList());
  }

  @Test
  void numbersParseExactlyOrAreRejectedWithADetailThatQuotesThem() throws Exception {
    Path data = scenario("""
        t-exact,b1,2021-10-04T17:00:00Z,12.123456,USD,succeeded,messaging
        t-zeros,b1,2021-10-04T17:00:00Z,12.1234560000,USD,succeeded,messaging
        t-exp,b1,2021-10-04T17:00:00Z,1.5e2,USD,succeeded,messaging
        t-round,b1,2021-10-04T17:00:00Z,12.1234567,USD,succeeded,messaging
        t-tiny,b1,2021-10-04T17:00:00Z,1e-30,USD,succeeded,messaging
        t-huge,b1,2021-10-04T17:00:00Z,1e400,USD,succeeded,messaging
        t-suffix,b1,2021-10-04T17:00:00Z,10d,USD,succeeded,messaging
        """, "r1,2021-10-04T17:00:00Z,messaging,US,login,h1\n");
    Files.writeString(data.resolve("business_services.csv"), """
        business_id,service,share
        b1,messaging,0.5
        b2,video,0.5d
        b3,messaging,1e400
        b3,video,NaN
        b2,messaging,0x1p-1
        """);
    IngestedData ingested = ingest(data);

    InputCounts txns = ingested.transactions().counts();
    assertEquals(Map.of("bad_number", 4L), txns.rejectedByReason());
    // t-exact and t-zeros (one value written two ways), then t-exp.
    List<BigDecimal> amounts = ingested.transactions().accepted().select("amount").orderBy("amount").collectAsList()
        .stream().map(r -> r.getDecimal(0)).toList();
    assertEquals(3, amounts.size(), amounts.toString());
    assertEquals(0, new BigDecimal("12.123456").compareTo(amounts.get(0)), amounts.toString());
    assertEquals(0, new BigDecimal("12.123456").compareTo(amounts.get(1)), amounts.toString());
    assertEquals(0, new BigDecimal("150").compareTo(amounts.get(2)), amounts.toString());
    List<String> txnDetails = rejects("transactions").stream().map(r -> (String) r.getAs("detail")).sorted().toList();
    assertTrue(txnDetails.contains("amount '12.1234567' has more than 6 decimals"), txnDetails.toString());
    assertTrue(txnDetails.contains("amount '1e-30' has more than 6 decimals"), txnDetails.toString());
    assertTrue(txnDetails.contains("amount '1e400' is too large (at most 12 digits before the point)"),
        txnDetails.toString());
    assertTrue(txnDetails.contains("amount '10d' is not a number"), txnDetails.toString());

    InputCounts shares = ingested.businessServices().counts();
    assertEquals(Map.of("bad_number", 4L), shares.rejectedByReason());
    assertEquals(1, shares.accepted());
    List<String> shareDetails = rejects("business_services").stream().map(r -> (String) r.getAs("detail")).toList();
    assertTrue(shareDetails.contains("share '0.5d' is not a number"), shareDetails.toString());
    assertTrue(shareDetails.contains("share '1e400' is too large for a double"), shareDetails.toString());
    assertFalse(shareDetails.toString().contains("Infinity"), shareDetails.toString());
  }

  @Test
  void aParquetDecimalWithMoreDecimalsThanTheContractIsRejectedNotRounded() throws Exception {
    Path data = scenario("", "r1,2021-10-04T17:00:00Z,messaging,US,login,h1\n");
    Files.delete(data.resolve("transactions.csv"));
    spark.sql("SELECT * FROM VALUES"
        + " ('t-exact', 'b1', TIMESTAMP'2021-10-04 15:00:00', CAST(10.5 AS DECIMAL(24,8))),"
        + " ('t-round', 'b1', TIMESTAMP'2021-10-04 15:00:00', CAST(12.12345678 AS DECIMAL(24,8))),"
        + " ('t-huge', 'b1', TIMESTAMP'2021-10-04 15:00:00', CAST(1234567890123 AS DECIMAL(24,8)))"
        + " AS t(txn_id, business_id, occurred_at, amount)")
        .write().parquet(data.resolve("transactions").toString());
    IngestedData ingested = ingest(data);

    assertEquals(Map.of("bad_number", 2L), ingested.transactions().counts().rejectedByReason());
    assertEquals(0, new BigDecimal("10.5").compareTo(ingested.transactions().accepted().first().getAs("amount")));
    List<String> details = rejects("transactions").stream().map(r -> (String) r.getAs("detail")).sorted().toList();
    assertEquals(List.of("amount 12.12345678 has more than 6 decimals",
        "amount 1234567890123.00000000 does not fit decimal(18,6)"), details);
  }

  @Test
  void conflictingDuplicatesAreRejectedApartFromExactOnesAndTheKeptCopyDoesNotDependOnFileOrder() throws Exception {
    String t1a = "t1,b1,2021-10-04T15:00:00Z,10.00,USD,succeeded,messaging\n";
    String t1b = "t1,b1,2021-10-04T15:00:00Z,99.00,USD,succeeded,messaging\n";
    // The same instant and value written differently is the same content: an exact duplicate.
    String t2a = "t2,b1,2021-10-04T15:00:00Z,5,USD,succeeded,messaging\n";
    String t2b = "t2,b1,2021-10-04T11:00:00-04:00,5.000,USD,succeeded,messaging\n";
    String reports = "r1,2021-10-04T17:00:00Z,messaging,US,login,h1\n";
    Map<String, BigDecimal> keptAmounts = new TreeMap<>();
    for (String transactions : List.of(t1a + t1b + t2a + t2b, t2b + t1b + t2a + t1a)) {
      Path data = scenario(transactions, reports);
      Files.writeString(data.resolve("businesses.csv"), String.join(",", MiniScenario.BUSINESS_HEADER) + "\n"
          + "b1,retail,US,false,gold,1000.00\n"
          + "b2,health_care,GB,true,basic,250\n"
          + "b2,finance,GB,true,basic,250\n"
          + "b2,health_care,GB,true,basic,250\n"
          + "b3,finance,,,,\n");
      IngestedData ingested = ingest(data);

      InputCounts txns = ingested.transactions().counts();
      assertEquals(4, txns.read());
      assertEquals(2, txns.accepted());
      assertEquals(1, txns.duplicates(), "t2's second copy, the same content written differently");
      assertEquals(1, txns.conflictingDuplicates());
      assertEquals(Map.of("conflicting_duplicate", 1L), txns.rejectedByReason());
      assertReconciles(txns);

      InputCounts businesses = ingested.businesses().counts();
      assertEquals(3, businesses.accepted());
      // b2 came three times, twice in health_care and once in finance: kept in health_care, one
      // exact copy and one conflicting; kept in finance, two conflicting.
      assertEquals(2, businesses.conflictingDuplicates() + businesses.duplicates(), businesses.toString());
      assertTrue(businesses.conflictingDuplicates() >= 1, businesses.toString());
      assertEquals(businesses.conflictingDuplicates(), businesses.rejectedByReason().get("conflicting_duplicate"));
      assertReconciles(businesses);
      assertEquals(1, ingested.businesses().accepted().filter("business_id = 'b2'").count());

      List<Row> rejected = rejects("transactions");
      assertEquals(1, rejected.size());
      Row conflict = rejected.get(0);
      assertEquals("conflicting_duplicate", conflict.getAs("reason"));
      assertTrue(((String) conflict.getAs("detail")).contains("txn_id 't1'"), conflict.toString());
      // t1 came as 10.00 and 99.00, t2 as 5 (twice): t1's kept copy is the row that is not 5.
      Row kept = ingested.transactions().accepted().filter("amount <> 5").first();
      keptAmounts.put(transactions, kept.getAs("amount"));
      assertNotEquals(((String) conflict.getAs("raw")).contains("\"amount\":\"99.00\""),
          new BigDecimal("99").compareTo(kept.getAs("amount")) == 0, "the rejected copy is the one not kept");
      assertEquals(0, new BigDecimal("5").compareTo(
          ingested.transactions().accepted().filter("amount = 5").first().getAs(Schemas.AMOUNT_REPORTING)));
    }
    assertEquals(1, keptAmounts.values().stream().map(BigDecimal::stripTrailingZeros).distinct().count(),
        "the same copy is kept whatever the file order: " + keptAmounts);
  }

  /**
   * A key column with a canonical form (fx_rates' currency, upper case) is compared in that form:
   * {@code EUR} and {@code eur} are one key, and a copy of it at another rate is a conflicting
   * duplicate with its reject row. The copies are found again by their key's hash, which must be
   * the canonical key's too, or the reject row goes missing while the counts still add up.
   */
  @Test
  void aKeyInAnotherCaseIsTheSameKeyAndItsConflictingCopyKeepsItsRejectRow() throws Exception {
    // Either copy may be the one kept (the smaller content hash): the lower-case spelling on each.
    for (String rates : List.of("EUR,1.16\neur,1.20\n", "eur,1.16\nEUR,1.20\n")) {
      Path data = scenario("t1,b1,2021-10-04T15:00:00Z,10.00,USD,succeeded,messaging\n",
          "r1,2021-10-04T17:00:00Z,messaging,US,login,h1\n");
      Files.writeString(data.resolve("fx_rates.csv"), "currency,rate_to_reporting\n" + rates + "GBP,1.37\n");
      IngestedData ingested = ingest(data);

      InputCounts fx = ingested.fxRateRows().counts();
      assertEquals(3, fx.read());
      assertEquals(2, fx.accepted(), fx.toString());
      assertEquals(1, fx.conflictingDuplicates(), fx.toString());
      assertReconciles(fx);
      List<Row> rejected = rejects("fx_rates");
      assertEquals(1, rejected.size(), rates + rejected);
      assertEquals("conflicting_duplicate", rejected.get(0).getAs("reason"));
      assertEquals(1, ingested.fxRateRows().accepted().filter("currency = 'EUR'").count());
      releaseIngested();
    }
  }

  /** The bound of the reporting-currency check is the first value whose conversion decimal(18,6) cannot hold. */
  @Test
  void theLargestValueTheReportingCurrencyCanHoldIsExact() {
    for (String rate : List.of("1.37", "1.3600000000", "1.0000000001", "150.5")) {
      BigDecimal r = new BigDecimal(rate);
      BigDecimal bound = Ingestion.reportingLimit(r);
      BigDecimal ceiling = BigDecimal.TEN.pow(12);
      assertTrue(bound.multiply(r).setScale(6, RoundingMode.HALF_UP).compareTo(ceiling) >= 0, rate);
      assertTrue(bound.subtract(new BigDecimal("0.000001")).multiply(r)
          .setScale(6, RoundingMode.HALF_UP).compareTo(ceiling) < 0, rate);
    }
  }
}
