package com.outageimpact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.outageimpact.common.InputException;
import com.outageimpact.common.JobOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run job end to end on small inputs: what it publishes, and that a failure publishes nothing. */
class RunJobTest {

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  private static final String GRAPH = """
      {"components": [{"id": "core"}, {"id": "chat", "kind": "service"}],
       "dependencies": [{"from": "chat", "to": "core", "type": "hard"}]}""";

  private Path writeInputs(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("graph.json"), GRAPH);
    Files.writeString(dir.resolve("businesses.csv"), "business_id,sector\nb1,retail\nb2,finance\nb2,finance\n");
    Files.writeString(dir.resolve("reports.csv"),
        "report_id,reported_at,service\nr1,2021-10-04T15:40:00Z,chat\nr2,2021-10-04T15:41:00Z,fax\n");
    Files.writeString(dir.resolve("transactions.csv"),
        "txn_id,business_id,occurred_at,amount\nt1,b1,2021-10-04T15:00:00Z,10\nt2,b3,2021-10-04T15:00:00Z,5\n");
    return dir;
  }

  private JsonNode run(Path data, Path out) throws Exception {
    JobOptions options = RunJob.options().parse(new String[] {"--data", data.toString(), "--out", out.toString()});
    return new ObjectMapper().readTree(RunJob.run(spark, options));
  }

  private static JsonNode readManifest(Path out) throws IOException {
    return new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
  }

  private static List<String> names(Path dir) throws IOException {
    try (var entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void publishesManifestAndRejectsAndReplacesThemOnRerun() throws Exception {
    Path data = writeInputs(tmp.resolve("data"));
    Path out = tmp.resolve("out");
    JsonNode first = run(data, out);

    JsonNode manifest = readManifest(out);
    assertEquals(first.get("run_id"), manifest.get("run_id"));
    JsonNode businesses = manifest.get("inputs").get("businesses");
    assertEquals(3, businesses.get("read").asLong());
    assertEquals(2, businesses.get("accepted").asLong());
    assertEquals(1, businesses.get("duplicates").asLong());
    assertEquals(1, manifest.get("inputs").get("transactions").get("rejected_by_reason").get("unknown_business").asLong());
    assertEquals("USD", manifest.get("parameters").get("reporting-currency").asText());
    assertEquals("4.2.0", manifest.get("versions").get("spark").asText());
    List<String> stages = new ArrayList<>();
    manifest.get("stages").forEach(s -> stages.add(s.get("name").asText()));
    assertTrue(stages.contains("ingest.transactions"), stages.toString());
    assertEquals(1, spark.read().parquet(Published.table(out, "rejects/reports")).count());

    JsonNode second = run(data, out);
    assertNotEquals(first.get("run_id"), second.get("run_id"));
    assertEquals(1, spark.read().parquet(Published.table(out, "rejects/reports")).count(), "replaced, not appended");
    assertEquals(1, spark.read().parquet(Published.table(out, "rejects/transactions")).count());
    assertEquals(List.of("manifest.json", "runs"), names(out), "nothing but the commit record and the run folders");
    assertEquals(List.of(first.get("run_id").asText(), second.get("run_id").asText()).stream().sorted().toList(),
        names(out.resolve("runs")), "the committed run and the one before it");
  }

  @Test
  void aFailedRunPublishesNothingAndLeavesThePreviousOutputs() throws Exception {
    Path data = writeInputs(tmp.resolve("data"));
    Path out = tmp.resolve("out");
    JsonNode first = run(data, out);

    // A corrupt Parquet file: the run must stop, name the file, and publish nothing.
    Files.delete(data.resolve("transactions.csv"));
    Path parquet = Files.createDirectories(data.resolve("transactions"));
    spark.sql("SELECT 't1' AS txn_id, 'b1' AS business_id, TIMESTAMP'2021-10-04 15:00:00' AS occurred_at,"
        + " CAST(1 AS DECIMAL(18,6)) AS amount").write().mode("overwrite").parquet(parquet.resolve("good").toString());
    Files.write(parquet.resolve("part-corrupt.parquet"), "PAR1 this is not parquet".getBytes());
    Exception failure = assertThrows(Exception.class, () -> run(data, out));
    String message = com.outageimpact.common.SparkJobs.oneLine(failure);
    assertTrue(message.contains("transactions"), message);
    assertTrue(message.contains("part-corrupt.parquet"), message);

    assertEquals(first.get("run_id"), readManifest(out).get("run_id"), "previous manifest kept");
    assertEquals(1, spark.read().parquet(Published.table(out, "rejects/reports")).count());
    assertEquals(List.of("manifest.json", "runs"), names(out));
    assertEquals(List.of(first.get("run_id").asText()), names(out.resolve("runs")), "the failed run's folder is gone");
  }

  @Test
  void missingPathAndWrongColumnsAreNamed() throws Exception {
    Path data = writeInputs(tmp.resolve("data"));
    JobOptions options = RunJob.options().parse(new String[] {
        "--data", data.toString(), "--transactions", data.resolve("nope").toString(), "--out", tmp.resolve("o").toString()});
    InputException missing = assertThrows(InputException.class, () -> RunJob.run(spark, options));
    assertEquals("input 'transactions': path does not exist: " + data.resolve("nope").toUri().getPath(),
        missing.getMessage().replace("file:", ""));

    Files.writeString(data.resolve("transactions.csv"), "txn_id,business_id,occurred_at,value\nt1,b1,2021-10-04T15:00:00Z,1\n");
    InputException wrong = assertThrows(InputException.class, () -> run(data, tmp.resolve("o")));
    assertTrue(wrong.getMessage().contains("transactions.csv lacks required column(s) [amount]"), wrong.getMessage());
    assertFalse(Files.exists(tmp.resolve("o")), "a failed run leaves no output folder behind");
  }

  @Test
  void theLauncherExitsNonZeroWithAOneLineReason() throws Exception {
    Path data = writeInputs(tmp.resolve("data"));
    Files.delete(data.resolve("reports.csv"));
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
    for (String flag : System.getProperty("spark.jvm.flags.for.tests", "").split(" ")) {
      if (!flag.isBlank()) {
        command.add(flag);
      }
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
        "--data", data.toString(), "--out", tmp.resolve("o").toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "launcher did not finish");
    String stderr = new String(process.getErrorStream().readAllBytes());
    assertEquals(2, process.exitValue(), stderr);
    assertTrue(stderr.contains("run failed: input 'reports' is required"), stderr);
    assertFalse(Files.exists(tmp.resolve("o")), "a failed run leaves no output folder behind");
  }
}
