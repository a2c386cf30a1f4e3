package com.outageimpact.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.outageimpact.SparkTestSession;
import com.outageimpact.common.InputException;
import com.outageimpact.common.StageTimer;
import com.outageimpact.schema.Schemas;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IngestionTest {

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  @AfterEach
  void releaseIngested() {
    com.outageimpact.SparkTestSession.releaseIngested();
  }

  static Stream<Arguments> formatsAndLayouts() {
    return Stream.of(
        Arguments.of(InputFormat.CSV, MiniScenario.Layout.FILE),
        Arguments.of(InputFormat.CSV, MiniScenario.Layout.PARTITIONED),
        Arguments.of(InputFormat.JSON, MiniScenario.Layout.PART_FILES),
        Arguments.of(InputFormat.PARQUET, MiniScenario.Layout.FILE),
        Arguments.of(InputFormat.PARQUET, MiniScenario.Layout.PARTITIONED));
  }

  private IngestedData ingest(Path data) {
    Ingestion ingestion = new Ingestion(spark, "USD", null,
        input -> tmp.resolve("rejects").resolve(input).toString(), new StageTimer());
    var options = InputPaths.declare(new com.outageimpact.common.JobOptions("t", "t"), com.outageimpact.RunJob.INPUTS)
        .parse(new String[] {"--data", data.toString()});
    return SparkTestSession.releasedAfterTest(
        ingestion.ingest(InputPaths.resolve(options, spark.sparkContext().hadoopConfiguration(), com.outageimpact.RunJob.INPUTS)));
  }

  /** Everything but the transactions, then the transactions of these dates only. */
  private IngestedData ingest(Path data, DateSpan dates) {
    Ingestion ingestion = new Ingestion(spark, "USD", null,
        input -> tmp.resolve("rejects").resolve(input).toString(), new StageTimer());
    var options = InputPaths.declare(new com.outageimpact.common.JobOptions("t", "t"), com.outageimpact.RunJob.INPUTS)
        .parse(new String[] {"--data", data.toString()});
    InputPaths paths = InputPaths.resolve(options, spark.sparkContext().hadoopConfiguration(), com.outageimpact.RunJob.INPUTS);
    return SparkTestSession.releasedAfterTest(
        ingestion.ingestTransactions(ingestion.ingestAllButTransactions(paths), paths, dates));
  }

  @Test
  void aDateSpanReadsOnlyItsPartitionsAndTheCountsStillReconcile() throws Exception {
    Path partitioned = MiniScenario.write(tmp.resolve("partitioned"), InputFormat.CSV, MiniScenario.Layout.PARTITIONED);
    InputCounts all = ingest(partitioned).transactions().counts();
    LocalDate third = LocalDate.parse("2021-10-03");
    InputCounts early = ingest(partitioned, new DateSpan(third, third)).transactions().counts();
    InputCounts late = ingest(partitioned, new DateSpan(third.plusDays(1), third.plusDays(9))).transactions().counts();
    assertEquals(null, all.dates());
    assertEquals("2021-10-03..2021-10-03", early.dates().toString());
    assertTrue(early.read() > 0 && late.read() > 0, early + " / " + late);
    assertEquals(all.read(), early.read() + late.read(), "every row read in exactly one of the two spans");
    assertEquals(all.files(), early.files() + late.files());
    assertEquals(late.files(), early.filesSkipped());
    assertEquals(early.files(), late.filesSkipped());

    InputException none = org.junit.jupiter.api.Assertions.assertThrows(InputException.class,
        () -> ingest(partitioned, new DateSpan(LocalDate.parse("2021-11-01"), LocalDate.parse("2021-11-02"))));
    assertTrue(none.getMessage().contains("2021-11-01") && none.getMessage().contains("transactions"), none.getMessage());

    // Files in no date partition say nothing of their dates: they are always read.
    Path flat = MiniScenario.write(tmp.resolve("flat"), InputFormat.CSV, MiniScenario.Layout.PART_FILES);
    InputCounts flatSpan = ingest(flat, new DateSpan(third, third)).transactions().counts();
    assertEquals(ingest(flat).transactions().counts().read(), flatSpan.read());
    assertEquals(0, flatSpan.filesSkipped());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("formatsAndLayouts")
  void everyFormatAndLayoutIngestsToTheSameRows(InputFormat format, MiniScenario.Layout layout) throws Exception {
    IngestedData data = ingest(MiniScenario.write(tmp.resolve("data"), format, layout));

    for (InputCounts counts : data.counts()) {
      Map<String, Long> expected = MiniScenario.expectedRejects(counts.input(), format);
      assertEquals(expected, new TreeMap<>(counts.rejectedByReason()), counts.input() + " rejects by reason");
      assertEquals(counts.read(), counts.accepted() + counts.rejected() + counts.duplicates());
    }
    assertEquals(3, data.businesses().counts().accepted());
    assertEquals(1, data.businesses().counts().duplicates());
    assertEquals(3, data.businessServices().counts().accepted());
    assertEquals(1, data.businessServices().counts().duplicates());
    // Parquet's typed timestamps cannot carry the text defects (no offset), so those rows are valid there.
    assertEquals(format == InputFormat.PARQUET ? 5 : 3, data.reports().counts().accepted());
    assertEquals(1, data.reports().counts().duplicates());
    assertEquals(4, data.transactions().counts().accepted());
    assertEquals(2, data.transactions().counts().duplicates());
    assertEquals(3, data.fxRateRows().counts().accepted());
    assertEquals(1, data.fxRateRows().counts().duplicates());

    // Money converted exactly, with the reporting currency as default.
    BigDecimal total = data.transactions().accepted()
        .agg(functions.sum(Schemas.AMOUNT_REPORTING)).first().getDecimal(0);
    assertEquals(0, MiniScenario.ACCEPTED_USD.compareTo(total), "accepted value in USD: " + total);

    // Offsets normalised to UTC, and defaults: missing region is ZZ, region upper-cased. Reports
    // by their instant (report_id is not carried past the ingest): r1, r2 (at -04:00, no
    // region) and r3 (at +05:30, region "in").
    Map<Timestamp, String> regionAt = new TreeMap<>();
    for (Row row : data.reports().accepted().select("reported_at", "region").collectAsList()) {
      regionAt.put(row.getTimestamp(0), row.getString(1));
    }
    assertEquals("US", regionAt.get(MiniScenario.ts("2021-10-04T15:40:00Z")), regionAt.toString());
    assertEquals("ZZ", regionAt.get(MiniScenario.ts("2021-10-04T15:41:00Z")), regionAt.toString());
    assertEquals("IN", regionAt.get(MiniScenario.ts("2021-10-04T15:42:30Z")), regionAt.toString());

    // Defaults: status succeeded; share 1; critical false. t2 is b2's, t4 the 1000 JPY, t3 the -5.25.
    Row t2 = data.transactions().accepted().filter("business_id = 'b2'").first();
    assertEquals("succeeded", t2.getAs("status"));
    assertEquals("GBP", t2.getAs("currency"));
    Row t4 = data.transactions().accepted().filter("amount = 1000").first();
    assertEquals("failed", t4.getAs("status"));
    Row t3 = data.transactions().accepted().filter("amount = -5.25").first();
    assertEquals("USD", t3.getAs("currency"));
    assertEquals(1.0, (Double) data.businessServices().accepted().filter("business_id = 'b2'").first().getAs("share"));
    assertEquals(false, data.businesses().accepted().filter("business_id = 'b3'").first().getAs("critical"));
  }

  @Test
  void rejectRowsCarryReasonDetailFileAndRawRowAndNoRowHoldsTheReporterText() throws Exception {
    IngestedData data = ingest(MiniScenario.write(tmp.resolve("data"), InputFormat.CSV, MiniScenario.Layout.PARTITIONED));
    // The accepted reports hold each reporter as the 64-bit hash of its text, never the text.
    var accepted = data.reports().accepted();
    assertEquals(DataTypes.LongType, accepted.schema().apply("reporter_hash").dataType());
    assertEquals(List.of("h1", "h2", "none"), accepted.selectExpr("CASE WHEN reporter_hash IS NULL THEN 'none'"
            + " WHEN reporter_hash = xxhash64('h1') THEN 'h1' WHEN reporter_hash = xxhash64('h2') THEN 'h2'"
            + " ELSE 'other' END AS reporter")
        .distinct().orderBy("reporter").as(Encoders.STRING()).collectAsList());
    var rejects = spark.read().parquet(tmp.resolve("rejects").resolve("transactions").toString());
    assertEquals(List.of(Schemas.REJECTS.fieldNames()), List.of(rejects.schema().fieldNames()));
    Row badNumber = rejects.filter("reason = 'bad_number'").first();
    assertEquals("transactions", badNumber.getAs("input"));
    assertTrue(((String) badNumber.getAs("detail")).contains("amount '12,50'"), badNumber.toString());
    assertTrue(((String) badNumber.getAs("raw")).contains("\"txn_id\":\"t7\""), badNumber.toString());
    assertTrue(((String) badNumber.getAs("source_file")).contains("date=2021-10-0"), badNumber.toString());

    var reportRejects = spark.read().parquet(tmp.resolve("rejects").resolve("reports").toString());
    assertEquals(4, reportRejects.count());
    for (Row row : reportRejects.collectAsList()) {
      assertFalse(row.toString().contains("secret-h"), "reporter_hash leaked into " + row);
    }
  }

  @Test
  void malformedLinesAreRejectedInCsvAndJson() throws Exception {
    Path data = MiniScenario.write(tmp.resolve("data"), InputFormat.CSV, MiniScenario.Layout.FILE);
    // A field too many or too few: Spark's permissive parser alone would drop or pad them.
    java.nio.file.Files.writeString(data.resolve("reports.csv"),
        MiniScenario.text(MiniScenario.REPORT_HEADER, MiniScenario.REPORTS.subList(0, 3), InputFormat.CSV, true)
            + "r8,2021-10-04T15:40:00Z,messaging,US,login,secret-h8,extra\n"
            + "r9,2021-10-04T15:40:00Z,messaging,US\n"
            + "r10,2021-10-04T15:40:00Z,messaging,US,login,\n");
    java.nio.file.Files.writeString(data.resolve("transactions.jsonl"), """
        {"txn_id": "t1", "business_id": "b1", "occurred_at": "2021-10-04T15:00:00Z", "amount": 12.5}
        {"txn_id": "t2", "business_id": "b1", "occurred_at": "2021-10-04T15:00:00Z", "amount": "1"
        not json at all
        """);
    java.nio.file.Files.delete(data.resolve("transactions.csv"));
    IngestedData ingested = ingest(data);
    assertEquals(Map.of("malformed_row", 2L), ingested.reports().counts().rejectedByReason());
    assertEquals(4, ingested.reports().counts().accepted(), "an empty last field is a value");
    assertEquals(Map.of("malformed_row", 2L), ingested.transactions().counts().rejectedByReason());
    assertEquals(0, new BigDecimal("12.5").compareTo(
        ingested.transactions().accepted().first().getAs(Schemas.AMOUNT_REPORTING)));
    var reportRejects = spark.read().parquet(tmp.resolve("rejects").resolve("reports").toString());
    for (Row row : reportRejects.collectAsList()) {
      assertFalse(row.toString().contains("secret-h"), "reporter_hash leaked into " + row);
      assertTrue(((String) row.getAs("raw")).startsWith("withheld line, sha256="), row.toString());
    }
  }
}
