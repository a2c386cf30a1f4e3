package com.outageimpact.cascade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.outageimpact.Published;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.outageimpact.RunJob;
import com.outageimpact.SparkTestSession;
import com.outageimpact.generate.GenerateJob;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full run's cascade tables on generated scenarios, against the generator's own simulation
 * of the failure (written independently of the product's cascade): every component's state
 * exactly, the path's length, observed services' times, internal components' bounds, the root
 * named or inferred, and the exposure of the true root against the businesses truly affected.
 */
class CascadeScenarioTest {

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  private JsonNode generateAndRun(String... generateArgs) throws Exception {
    List<String> args = new ArrayList<>(List.of("--out", tmp.resolve("data").toString(), "--businesses", "40",
        "--transactions", "20000", "--bad-rows", "1"));
    args.addAll(List.of(generateArgs));
    GenerateJob.run(spark, GenerateJob.options().parse(args.toArray(String[]::new)));
    RunJob.run(spark, RunJob.options().parse(new String[] {
        "--data", tmp.resolve("data").toString(), "--out", tmp.resolve("out").toString()}));
    return new ObjectMapper().readTree(tmp.resolve("data/truth/truth.json").toFile());
  }

  private Map<String, Row> byComponent(String table) {
    Map<String, Row> rows = new HashMap<>();
    for (Row r : spark.read().parquet(Published.table(tmp.resolve("out"), table)).collectAsList()) {
      rows.put(r.getAs("component"), r);
    }
    return rows;
  }

  private Row summary() {
    List<Row> rows = spark.read().parquet(Published.table(tmp.resolve("out"), "incident_summary")).collectAsList();
    assertEquals(1, rows.size());
    return rows.get(0);
  }

  @Test
  void aDeclaredBackboneFailureCascadesAsSimulatedAndTheCoreIsItsTwin() throws Exception {
    JsonNode truth = generateAndRun("--seed", "21", "--root", "backbone", "--outage-minutes", "180");
    assertCascadeMatchesTruth(truth, "backbone");
    Row summary = summary();
    assertEquals("backbone", summary.getAs("root_component"));
    assertEquals("declared", summary.getAs("root_source"));
    assertFalse((Boolean) summary.getAs("root_contradicted"));
    // The reports cannot tell the backbone from the BGP core above it: the core ranks first,
    // the backbone with it, and the declaration is not contradicted.
    assertEquals("bgp-core", summary.getAs("top_candidate"));
    Row declared = byComponent("root_cause_candidates").get("backbone");
    assertTrue((Boolean) declared.getAs("indistinguishable_from_top"));
    assertTrue((Boolean) declared.getAs("declared"));
  }

  @Test
  void anUndeclaredDnsFailureIsInferredFromTheReportsAlone() throws Exception {
    JsonNode truth = generateAndRun("--seed", "22", "--root", "dns", "--outage-minutes", "240", "--no-incident");
    assertCascadeMatchesTruth(truth, "dns");
    Row summary = summary();
    assertEquals("dns", summary.getAs("root_component"));
    assertEquals("inferred", summary.getAs("root_source"));
    assertTrue(summary.isNullAt(summary.fieldIndex("root_contradicted")));
    Row top = byComponent("root_cause_candidates").values().stream()
        .filter(r -> (Integer) r.getAs("rank") == 1).findFirst().orElseThrow();
    assertEquals("dns", top.getAs("component"));
  }

  private void assertCascadeMatchesTruth(JsonNode truth, String root) {
    Map<String, Row> impact = byComponent("service_impact");
    int servicesDown = 0;
    for (JsonNode c : truth.get("components")) {
      String id = c.get("id").asText();
      Row row = impact.get(id);
      String state = c.get("state").asText();
      assertEquals(state, row.getAs("state"), id);
      if (state.equals("up")) {
        continue;
      }
      servicesDown += state.equals("down") && c.get("kind").asText().equals("service") ? 1 : 0;
      List<String> path = row.getList(row.fieldIndex("path"));
      assertEquals(c.get("path").size(), path.size(), id + " path " + path);
      assertEquals(root, path.get(0));
      Instant trueStart = Instant.parse(c.get("impact_start").asText());
      Instant trueEnd = Instant.parse(c.get("impact_end").asText());
      Instant start = ((java.sql.Timestamp) row.getAs("impact_start")).toInstant();
      Instant end = ((java.sql.Timestamp) row.getAs("impact_end")).toInstant();
      if ((Boolean) row.getAs("observed")) {
        // The reports' own window (detection's bounds, dense and sparse series alike here).
        assertTrue(Math.abs(minutes(trueStart, start)) <= 30, id + " start " + start + " vs " + trueStart);
      } else {
        // Bounded by what it impairs: it failed no later than they did (give or take detection's
        // error on their starts), and came back no later than they did.
        assertTrue(minutes(trueStart, start) >= -15, id + " start " + start + " vs " + trueStart);
        assertTrue(minutes(trueEnd, end) >= -30, id + " end " + end + " vs " + trueEnd);
      }
    }
    assertEquals(servicesDown, (Integer) summary().getAs("services_down"));

    // What the root's failure alone puts at risk is who it truly affected (a global outage).
    Row exposure = byComponent("component_exposure").get(root);
    int affected = 0;
    int critical = 0;
    for (Row b : spark.read().option("header", true).csv(tmp.resolve("data/truth/businesses").toString())
        .collectAsList()) {
      if (Boolean.parseBoolean(b.getAs("affected"))) {
        affected++;
        critical += Boolean.parseBoolean(b.getAs("critical")) ? 1 : 0;
      }
    }
    assertEquals(affected, (Integer) exposure.getAs("businesses"));
    assertEquals(critical, (Integer) exposure.getAs("critical_businesses"));
    assertTrue((Double) exposure.getAs("value_per_hour_at_risk") > 0);
  }

  private static double minutes(Instant from, Instant to) {
    return (to.getEpochSecond() - from.getEpochSecond()) / 60.0;
  }
}
