package com.outageimpact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.outageimpact.common.JobOptions;
import com.outageimpact.common.SparkJobs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The run job on the inputs issue 24 found it failing on: inputs with a header and no rows,
 * transactions with nothing where the estimate looks, a corrupt Parquet part file, and
 * duplicates whose copies disagree (as the manifest counts them).
 */
class RunHardeningTest {

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  private static final Path SAMPLE = Path.of("../data-samples/penlight");
  private static final String TXN_HEADER = "txn_id,business_id,occurred_at,amount,currency,status,service\n";

  private JsonNode run(Path data, Path out) throws Exception {
    JobOptions options = RunJob.options().parse(new String[] {"--data", data.toString(), "--out", out.toString()});
    return new ObjectMapper().readTree(RunJob.run(spark, options));
  }

  /** The sample scenario's inputs (not its truth), copied so that a test can change them. */
  private Path sample() throws IOException {
    Path data = tmp.resolve("data");
    try (Stream<Path> files = Files.walk(SAMPLE)) {
      for (Path from : files.toList()) {
        Path relative = SAMPLE.relativize(from);
        if (relative.startsWith("truth")) {
          continue;
        }
        Path to = data.resolve(relative.toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          Files.copy(from, to);
        }
      }
    }
    return data;
  }

  /** Replaces an input's folder by one part file holding {@code text}. */
  private static void replace(Path data, String input, String text) throws IOException {
    Path folder = data.resolve(input);
    try (Stream<Path> files = Files.walk(folder)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("part-00000.csv"), text);
  }

  private static String header(Path data, String input) throws IOException {
    try (Stream<Path> files = Files.walk(data.resolve(input))) {
      Path csv = files.filter(p -> p.toString().endsWith(".csv")).findFirst().orElseThrow();
      return Files.readAllLines(csv).get(0) + "\n";
    }
  }

  private static void assertEveryInputReconciles(JsonNode manifest) {
    for (Iterator<Map.Entry<String, JsonNode>> it = manifest.get("inputs").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> input = it.next();
      JsonNode e = input.getValue();
      if (e.has("read")) {
        assertEquals(e.get("read").asLong(), e.get("accepted").asLong() + e.get("rejected").asLong()
            + e.get("duplicates").asLong(), input.getKey() + ": " + e);
      }
    }
  }

  @Test
  void inputsWithAHeaderAndNoRowsRunToTheEnd() throws Exception {
    Path data = sample();
    for (String input : new String[] {"transactions", "business_services", "sla_tiers", "fx_rates"}) {
      replace(data, input, header(data, input));
    }
    Path out = tmp.resolve("out");
    JsonNode manifest = run(data, out);

    assertEveryInputReconciles(manifest);
    for (String input : new String[] {"transactions", "business_services", "sla_tiers", "fx_rates"}) {
      JsonNode e = manifest.get("inputs").get(input);
      assertEquals(0, e.get("read").asLong(), input);
      assertEquals(0, e.get("accepted").asLong(), input);
    }
    assertEquals(1, manifest.get("incidents").size(), manifest.toString());
    assertTrue(manifest.has("impact_not_estimated"), "no transactions, no money: " + manifest);
    Row summary = spark.read().parquet(Published.table(out, "incident_summary")).first();
    assertTrue(summary.isNullAt(summary.fieldIndex("net_loss")), summary.toString());
    assertTrue(spark.read().parquet(Published.table(out, "outage_windows")).count() > 0);
  }

  @Test
  void reportsAndBusinessesWithAHeaderAndNoRowsRunToTheEnd() throws Exception {
    Path data = sample();
    for (String input : new String[] {"reports", "businesses"}) {
      replace(data, input, header(data, input));
    }
    Path out = tmp.resolve("out");
    JsonNode manifest = run(data, out);

    assertEveryInputReconciles(manifest);
    assertEquals(0, manifest.get("inputs").get("reports").get("read").asLong());
    assertEquals(0, manifest.get("inputs").get("businesses").get("read").asLong());
    JsonNode transactions = manifest.get("inputs").get("transactions");
    assertEquals(0, transactions.get("accepted").asLong(), "no business, so every transaction names an unknown one");
    assertEquals(transactions.get("read").asLong() - transactions.get("duplicates").asLong()
        - transactions.get("rejected_by_reason").path("malformed_row").asLong()
        - transactions.get("rejected_by_reason").path("missing_required").asLong()
        - transactions.get("rejected_by_reason").path("bad_timestamp").asLong()
        - transactions.get("rejected_by_reason").path("bad_number").asLong()
        - transactions.get("rejected_by_reason").path("bad_value").asLong(),
        transactions.get("rejected_by_reason").get("unknown_business").asLong(), transactions.toString());
    assertEquals(0, manifest.get("incidents").size(), "no report, no incident");
  }

  @Test
  void transactionsWithNothingWhereTheEstimateLooksRunToTheEnd() throws Exception {
    Path data = sample();
    // One transaction, months before the outage: the baseline weeks are covered by the data's
    // extent, but no stream has a transaction in them or in the outage.
    replace(data, "transactions", TXN_HEADER + "t-old,biz-00001,2021-07-01T10:00:00Z,10.00,USD,succeeded,messaging\n");
    Path out = tmp.resolve("out");
    JsonNode manifest = run(data, out);

    assertEveryInputReconciles(manifest);
    assertEquals(1, manifest.get("inputs").get("transactions").get("accepted").asLong());
    Row summary = spark.read().parquet(Published.table(out, "incident_summary")).first();
    assertEquals(0.0, summary.<Double>getAs("net_loss"), summary.toString());
    assertEquals(0.0, summary.<Double>getAs("expected_value"), summary.toString());
    for (Row sector : spark.read().parquet(Published.table(out, "sector_impact")).collectAsList()) {
      assertEquals(0.0, sector.<Double>getAs("net_loss"), sector.toString());
    }
  }

  private Path smallInputs() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("small"));
    Files.writeString(dir.resolve("graph.json"), """
        {"components": [{"id": "core"}, {"id": "chat", "kind": "service"}],
         "dependencies": [{"from": "chat", "to": "core", "type": "hard"}]}""");
    Files.writeString(dir.resolve("businesses.csv"),
        "business_id,sector\nb1,retail\nb2,finance\nb2,retail\nb3,retail\nb3,retail\n");
    Files.writeString(dir.resolve("reports.csv"), "report_id,reported_at,service\nr1,2021-10-04T15:40:00Z,chat\n");
    Files.writeString(dir.resolve("transactions.csv"), TXN_HEADER
        + "t1,b1,2021-10-04T15:00:00Z,10.00,USD,succeeded,chat\n"
        + "t1,b1,2021-10-04T15:00:00Z,99.00,USD,succeeded,chat\n");
    return dir;
  }

  @Test
  void theManifestCountsConflictingDuplicatesApartFromExactOnes() throws Exception {
    Path out = tmp.resolve("out");
    JsonNode manifest = run(smallInputs(), out);
    assertEveryInputReconciles(manifest);
    JsonNode businesses = manifest.get("inputs").get("businesses");
    assertEquals(5, businesses.get("read").asLong());
    assertEquals(3, businesses.get("accepted").asLong());
    assertEquals(1, businesses.get("duplicates").asLong(), "b3's second copy");
    assertEquals(1, businesses.get("conflicting_duplicates").asLong(), "b2 in two sectors");
    assertEquals(1, businesses.get("rejected_by_reason").get("conflicting_duplicate").asLong());
    JsonNode transactions = manifest.get("inputs").get("transactions");
    assertEquals(1, transactions.get("conflicting_duplicates").asLong(), "t1 at 10.00 and at 99.00");
    assertEquals(0, transactions.get("duplicates").asLong());
    assertEquals(0, manifest.get("inputs").get("reports").get("conflicting_duplicates").asLong());
    assertEquals(2, spark.read().parquet(Published.table(out, "rejects/businesses"))
        .filter("reason = 'conflicting_duplicate'").count() + spark.read().parquet(
            Published.table(out, "rejects/transactions")).filter("reason = 'conflicting_duplicate'").count());
  }

  /**
   * Bytes that start and end like Parquet but whose footer length points before the file's start:
   * Parquet's reader fails with "the footer index is not within the file", naming no file.
   */
  private static byte[] corruptParquet() {
    byte[] body = "PAR1 garbage, not row groups".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer bytes = ByteBuffer.allocate(body.length + 8).order(ByteOrder.LITTLE_ENDIAN);
    bytes.put(body).putInt(1 << 20).put("PAR1".getBytes(StandardCharsets.US_ASCII));
    return bytes.array();
  }

  /** Before or after the good file: Spark reads one footer for the schema, then every file. */
  @ParameterizedTest
  @ValueSource(strings = {"part-99999-garbage.parquet", "part-0-garbage.parquet"})
  void aCorruptParquetPartFileIsNamedInOneLine(String corrupt) throws Exception {
    Path data = smallInputs();
    Files.delete(data.resolve("transactions.csv"));
    Path parquet = data.resolve("transactions");
    spark.sql("SELECT 't1' AS txn_id, 'b1' AS business_id, TIMESTAMP'2021-10-04 15:00:00' AS occurred_at,"
        + " CAST(1 AS DECIMAL(18,6)) AS amount").write().parquet(parquet.toString());
    Files.write(parquet.resolve(corrupt), corruptParquet());
    Path out = tmp.resolve("out");
    Exception failure = assertThrows(Exception.class, () -> run(data, out));

    String line = SparkJobs.oneLine(failure);
    assertTrue(line.startsWith("input 'transactions': "), line);
    assertTrue(line.contains(parquet.resolve(corrupt).toString()), line);
    assertTrue(line.contains("footer"), "the reason: " + line);
    assertFalse(line.contains("\n"), line);
    assertFalse(Files.exists(out), "a failed run leaves no output folder behind");
  }
}
