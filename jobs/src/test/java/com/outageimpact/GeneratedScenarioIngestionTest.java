package com.outageimpact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.outageimpact.common.StageTimer;
import com.outageimpact.generate.GenerateJob;
import com.outageimpact.ingest.IngestedData;
import com.outageimpact.ingest.Ingestion;
import com.outageimpact.ingest.InputCounts;
import com.outageimpact.ingest.InputPaths;
import com.outageimpact.schema.Schemas;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ingestion against the generator's ground truth: every input's read, accepted, rejected (by
 * reason) and duplicate counts equal what the generator wrote, and the accepted succeeded value
 * in the analysis window equals the truth's actual value to the last decimal (fx conversion,
 * offsets and deduplication all exact).
 */
class GeneratedScenarioIngestionTest {

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  @AfterEach
  void releaseIngested() {
    com.outageimpact.SparkTestSession.releaseIngested();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"csv", "parquet", "json"})
  void countsAndValuesMatchTheTruth(String format) throws Exception {
    Path data = tmp.resolve("scenario");
    GenerateJob.run(spark, GenerateJob.options().parse(new String[] {
        "--out", data.toString(), "--seed", "11", "--format", format, "--businesses", "50",
        "--transactions", "30000", "--weeks", "2", "--report-scale", "0.2"}));
    JsonNode truth = new ObjectMapper().readTree(data.resolve("truth/truth.json").toFile());

    // Ingestion alone (what run does first, every file read): the whole pipeline adds nothing
    // to these counts, and the manifest's copy of them is checked by RunJobTest.
    IngestedData ingested = SparkTestSession.releasedAfterTest(new Ingestion(spark, "USD", null,
        input -> tmp.resolve("rejects").resolve(input).toString(), new StageTimer())
        .ingest(InputPaths.resolve(RunJob.options().parse(new String[] {"--data", data.toString()}),
            spark.sparkContext().hadoopConfiguration(), RunJob.INPUTS)));
    ObjectMapper json = new ObjectMapper();
    Map<String, InputCounts> counts = new HashMap<>();
    ingested.counts().forEach(c -> counts.put(c.input(), c));

    for (Iterator<Map.Entry<String, JsonNode>> it = truth.get("inputs").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> expected = it.next();
      String input = expected.getKey();
      InputCounts actual = counts.get(input);
      assertEquals(expected.getValue().get("read").asLong(), actual.read(), input + " read");
      assertEquals(expected.getValue().get("accepted").asLong(), actual.accepted(), input + " accepted");
      assertEquals(expected.getValue().get("duplicates").asLong(), actual.duplicates(), input + " duplicates");
      assertEquals(expected.getValue().get("rejected_by_reason"),
          json.readTree(json.writeValueAsString(actual.rejectedByReason())), input + " rejects");
    }

    // The accepted transactions, as ingestion sees them, against the truth's actual value.
    JsonNode window = truth.get("analysis_window");
    Dataset<Row> accepted = ingested.transactions().accepted();
    BigDecimal actualValue = accepted
        .filter(functions.col("status").equalTo("succeeded"))
        .filter(functions.col("occurred_at").geq(functions.lit(window.get("start").asText()).cast("timestamp")))
        .filter(functions.col("occurred_at").lt(functions.lit(window.get("end").asText()).cast("timestamp")))
        .agg(functions.sum(Schemas.AMOUNT_REPORTING)).first().getDecimal(0);
    BigDecimal truthActual = spark.read().option("header", "true")
        .format(format.equals("parquet") ? "parquet" : "csv")
        .load(data.resolve("truth/sectors").toString())
        .agg(functions.sum(functions.col("actual_value").cast("decimal(28,6)"))).first().getDecimal(0);
    assertTrue(truthActual.signum() > 0);
    assertEquals(0, truthActual.compareTo(actualValue), "truth " + truthActual + " vs ingested " + actualValue);
  }
}
