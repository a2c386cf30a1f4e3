package com.outageimpact.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.outageimpact.SparkTestSession;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Detection on generated scenarios: every impaired user-facing service is found, starting within
 * 10 minutes of its true impact start and ending within 30 minutes of its true recovery (or of
 * the end of its down state, where a degraded tail hides under the drain of reports; see
 * {@link DetectionScenarios.ServiceOutcome}); nothing is found for services that stayed up or
 * for the false-alarm blip; one incident. Services with sparse reports get coarser bounds.
 */
class DetectionTest {

  /** Minutes: the measured bounds for sparse series (README, "Detection quality"). */
  static final double SPARSE_START_TOLERANCE = 30;
  static final double SPARSE_END_TOLERANCE = 150;

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "default (Monday afternoon, 5.5 hours); --seed 3",
      "30-minute outage; --seed 4 --outage-minutes 30",
      "12-hour outage; --seed 5 --outage-minutes 720 --outage-start 2021-10-04T06:10:00Z",
      "weekend; --seed 6 --outage-start 2021-10-09T13:20:00Z --outage-minutes 150",
      "night-time; --seed 7 --outage-start 2021-10-05T02:05:00Z --outage-minutes 90 --root dns",
  })
  void findsEveryImpairedServiceAndNothingElse(String name, String args) throws Exception {
    DetectionScenarios.Outcome outcome = DetectionScenarios.run(tmp, args.trim().split(" "));
    assertEquals(1, outcome.incidents().size(), name + ": incidents " + outcome.incidents());
    assertTrue(outcome.falseWindows().isEmpty(), name + ": windows on services that stayed up " + outcome.falseWindows());
    for (DetectionScenarios.ServiceOutcome service : outcome.impaired()) {
      assertNotNull(service.detected(), name + ": " + service.service() + " (" + service.state() + ") not detected");
      // Sparse series (under one report per bucket normally) have coarser bounds; see the README.
      double startTolerance = service.sparse() ? SPARSE_START_TOLERANCE : 10;
      double endTolerance = service.sparse() ? SPARSE_END_TOLERANCE : 30;
      assertTrue(Math.abs(service.startErrorMinutes()) <= startTolerance,
          name + ": " + service.service() + " start off by " + service.startErrorMinutes() + " min");
      assertTrue(Math.abs(service.visibleEndErrorMinutes()) <= endTolerance,
          name + ": " + service.service() + " end off by " + service.visibleEndErrorMinutes() + " min");
    }
  }

  @Test
  void theSummaryCarriesTheResponseTimesFromTheDeclaredUpdatesAndAReRunReplacesIt() throws Exception {
    DetectionScenarios.Outcome outcome = DetectionScenarios.run(tmp, "--seed", "9", "--outage-minutes", "120");
    Row summary = SparkTestSession.get().read().parquet(tmp.resolve("out/incident_summary").toString()).first();
    JsonNode incident = outcome.truth().get("incident");
    assertEquals(incident.get("id").asText(), summary.getAs("incident_id"));
    assertEquals(incident.get("root").asText(), summary.getAs("root_component"));
    Instant start = summary.<java.sql.Timestamp>getAs("start").toInstant();
    JsonNode updates = incident.get("updates");
    Instant acknowledged = Instant.parse(updates.get(0).get("at").asText());
    Instant resolved = Instant.parse(updates.get(updates.size() - 1).get("at").asText());
    assertEquals(Duration.between(start, acknowledged).getSeconds() / 60.0, summary.<Double>getAs("time_to_acknowledge"), 1e-9);
    assertEquals(Duration.between(start, resolved).getSeconds() / 60.0, summary.<Double>getAs("time_to_resolve"), 1e-9);
    // The biggest services surge to tens of times normal: the alarm comes within minutes.
    double timeToDetect = summary.<Double>getAs("time_to_detect");
    assertTrue(timeToDetect > 0 && timeToDetect <= 15, "time to detect " + timeToDetect);
    // The incident starts when users were first hit (the root failed a few minutes before that).
    Instant firstHit = outcome.impaired().stream().map(DetectionScenarios.ServiceOutcome::trueStart)
        .min(Instant::compareTo).orElseThrow();
    assertTrue(Math.abs(Duration.between(firstHit, start).getSeconds()) <= 600, "start " + start + " against " + firstHit);

    // A re-run replaces the incident's rows; it never adds to them.
    long windows = SparkTestSession.get().read().parquet(tmp.resolve("out/outage_windows").toString()).count();
    DetectionScenarios.detectOnly(tmp);
    assertEquals(windows, SparkTestSession.get().read().parquet(tmp.resolve("out/outage_windows").toString()).count());
    assertEquals(1, SparkTestSession.get().read().parquet(tmp.resolve("out/incident_summary").toString()).count());
  }

  @ParameterizedTest(name = "regional {0}")
  @CsvSource({"US", "DE"})
  void aRegionalOutageIsReportedAsRegional(String region) throws Exception {
    DetectionScenarios.Outcome outcome = DetectionScenarios.run(tmp,
        "--seed", "8", "--outage-regions", region, "--outage-minutes", "120");
    assertEquals(1, outcome.incidents().size(), "incidents " + outcome.incidents());
    DetectedIncident incident = outcome.incidents().get(0);
    assertEquals("regional", incident.scope(), "regions " + incident.regions());
    assertEquals(java.util.Set.of(region), incident.regions());
  }
}
