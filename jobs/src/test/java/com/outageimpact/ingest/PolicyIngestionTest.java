package com.outageimpact.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.outageimpact.SparkTestSession;
import com.outageimpact.common.StageTimer;
import com.outageimpact.schema.Schemas;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The optional policies input on the mini scenario: every format, one bad row per reason, a
 * duplicate delivery, counts that reconcile, and money converted to the reporting currency.
 */
class PolicyIngestionTest {

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  @AfterEach
  void releaseIngested() {
    com.outageimpact.SparkTestSession.releaseIngested();
  }

  static final List<String> HEADER = List.of("policy_id", "business_id", "kind", "waiting_period_hours", "retention",
      "limit", "payout_per_hour", "currency");
  static final List<List<String>> POLICIES = List.of(
      List.of("p1", "b1", "indemnity", "6", "100.00", "5000", "", "EUR"),
      List.of("p2", "b2", "PARAMETRIC", "4.5", "", "", "250", ""),
      List.of("p3", "b3", "parametric", "8", "0", "1000", "1000", "jpy"),
      List.of("p1", "b1", "indemnity", "6", "100.00", "5000", "", "EUR"),   // duplicate delivery
      List.of("p4", "b9", "indemnity", "6", "", "", "", ""),                // unknown_business
      List.of("p5", "b1", "cyber", "6", "", "", "", ""),                    // bad_value (kind)
      List.of("p6", "b1", "parametric", "6", "", "", "", ""),               // missing_required (payout)
      List.of("p7", "b1", "indemnity", "six", "", "", "", ""),              // bad_number (text only)
      List.of("p8", "b1", "indemnity", "6", "-5", "", "", ""),              // bad_value (retention)
      List.of("p9", "b1", "indemnity", "6", "", "", "", "XYZ"),             // unknown_currency
      List.of("p10", "b1", "indemnity", "-1", "", "", "", ""),              // bad_value (waiting period)
      List.of("", "b1", "indemnity", "6", "", "", "", ""));                 // missing_required

  private IngestedData ingest(Path data) {
    Ingestion ingestion = new Ingestion(spark, "USD", null,
        input -> tmp.resolve("rejects").resolve(input).toString(), new StageTimer());
    var options = InputPaths.declare(new com.outageimpact.common.JobOptions("t", "t"), com.outageimpact.RunJob.INPUTS)
        .parse(new String[] {"--data", data.toString()});
    return SparkTestSession.releasedAfterTest(ingestion.ingestAllButTransactions(
        InputPaths.resolve(options, spark.sparkContext().hadoopConfiguration(), com.outageimpact.RunJob.INPUTS)));
  }

  @ParameterizedTest
  @EnumSource(InputFormat.class)
  void policiesIngestInEveryFormatWithRejectsAndReportingMoney(InputFormat format) throws Exception {
    Path data = MiniScenario.write(tmp.resolve("data"), format, MiniScenario.Layout.FILE);
    MiniScenario.writeTable(data, Schemas.POLICIES, HEADER, POLICIES, format, MiniScenario.Layout.FILE);
    IngestedInput policies = ingest(data).policies();
    InputCounts counts = policies.counts();

    Map<String, Long> expected = new TreeMap<>(Map.of("unknown_business", 1L, "bad_value", 3L,
        "missing_required", 2L, "unknown_currency", 1L, "bad_number", 1L));
    if (format == InputFormat.PARQUET) {
      expected.remove("bad_number"); // a typed double column cannot hold "six"
    }
    assertEquals(expected, new TreeMap<>(counts.rejectedByReason()), format + " rejects by reason");
    assertEquals(3, counts.accepted());
    assertEquals(1, counts.duplicates());
    assertEquals(counts.read(), counts.accepted() + counts.rejected() + counts.duplicates(), "counts reconcile");

    Map<String, Row> byId = new HashMap<>();
    for (Row r : policies.accepted().collectAsList()) {
      byId.put(r.getAs("policy_id"), r);
    }
    Row p1 = byId.get("p1");
    assertEquals("EUR", p1.getAs("currency"));
    assertEquals(0, new BigDecimal("116").compareTo(p1.getAs("retention_reporting")), "100 EUR at 1.16");
    assertEquals(0, new BigDecimal("5800").compareTo(p1.getAs("limit_reporting")));
    assertNull(p1.getAs("payout_per_hour_reporting"));
    Row p2 = byId.get("p2");
    assertEquals("parametric", p2.getAs("kind"), "kind in lower case");
    assertEquals("USD", p2.getAs("currency"), "the reporting currency by default");
    assertEquals(4.5, (Double) p2.getAs("waiting_period_hours"));
    assertNull(p2.getAs("limit_reporting"), "no limit stays none");
    assertEquals(0, new BigDecimal("250").compareTo(p2.getAs("payout_per_hour_reporting")));
    assertEquals(0, new BigDecimal("8.9").compareTo(byId.get("p3").getAs("payout_per_hour_reporting")),
        "1000 JPY at 0.0089");

    var rejects = spark.read().parquet(tmp.resolve("rejects").resolve("policies").toString());
    assertEquals(counts.rejected(), rejects.count());
    Row kind = rejects.filter("reason = 'bad_value' and raw like '%cyber%'").first();
    assertTrue(((String) kind.getAs("detail")).contains("kind 'cyber'"), kind.toString());
    Row payout = rejects.filter("reason = 'missing_required' and raw like '%p6%'").first();
    assertTrue(((String) payout.getAs("detail")).contains("payout_per_hour"), payout.toString());
  }

  @Test
  void withoutPoliciesThereIsNoPolicyInput() throws Exception {
    IngestedData data = ingest(MiniScenario.write(tmp.resolve("data"), InputFormat.CSV, MiniScenario.Layout.FILE));
    assertNull(data.policies());
    assertTrue(data.counts().stream().noneMatch(c -> c.input().equals("policies")));
  }
}
