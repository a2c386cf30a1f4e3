package com.outageimpact.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.outageimpact.SparkTestSession;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One small CSV scenario with the default outage, checked against its own files: the truth must be
 * what an independent reading of the written rows gives, to the cent.
 */
class GeneratedScenarioTest {

  @TempDir
  static Path dir;

  static ScenarioTruth truth;
  static ReferenceValidator files;
  static Map<String, Map<String, String>> businessTruth;
  static Map<String, Map<String, String>> sectorTruth;

  @BeforeAll
  static void generate() throws IOException {
    truth = GenerateJob.run(SparkTestSession.get(), GenerateJob.options().parse(new String[] {
        "--out", dir.toString(), "--seed", "7", "--businesses", "60", "--weeks", "2",
        "--transactions", "50000", "--report-scale", "0.2"}));
    JsonNode graph = new ObjectMapper().readTree(dir.resolve("graph.json").toFile());
    Set<String> components = new HashSet<>();
    graph.get("components").forEach(c -> components.add(c.get("id").asText()));
    files = new ReferenceValidator(dir, components);
    businessTruth = readCsv(dir.resolve("truth/businesses"), "business_id");
    sectorTruth = readCsv(dir.resolve("truth/sectors"), "sector");
  }

  /** The one CSV file of a truth folder, keyed by a column. */
  static Map<String, Map<String, String>> readCsv(Path folder, String key) throws IOException {
    List<Path> csvs;
    try (Stream<Path> s = Files.list(folder)) {
      csvs = s.filter(p -> p.toString().endsWith(".csv")).toList();
    }
    assertEquals(1, csvs.size(), "one file in " + folder);
    List<String> lines = Files.readAllLines(csvs.get(0));
    List<String> header = ReferenceValidator.split(lines.get(0));
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      List<String> f = ReferenceValidator.split(line);
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        row.put(header.get(i), f.get(i));
      }
      out.put(row.get(key), row);
    }
    return out;
  }

  static BigDecimal dec(Map<String, String> row, String column) {
    return new BigDecimal(row.get(column));
  }

  static long instant(String iso) {
    return OffsetDateTime.parse(iso).toEpochSecond();
  }

  /** Accepted businesses from the files: id -> sector. */
  static Map<String, String> sectors() {
    ReferenceValidator.Table t = files.tables.get("businesses");
    Map<String, String> out = new HashMap<>();
    for (List<String> row : files.results.get("businesses").accepted) {
      out.put(t.get(row, "business_id"), t.get(row, "sector"));
    }
    return out;
  }

  @Test
  void counterfactualMinusLossPlusRecoveredIsActualExactly() {
    assertEquals(60, businessTruth.size());
    Map<String, BigDecimal[]> sums = new HashMap<>();
    for (Map<String, String> b : businessTruth.values()) {
      BigDecimal cf = dec(b, "counterfactual_value");
      BigDecimal gross = dec(b, "gross_loss");
      BigDecimal rec = dec(b, "recovered");
      assertEquals(0, cf.subtract(gross).add(rec).compareTo(dec(b, "actual_value")), b.toString());
      assertEquals(0, gross.subtract(rec).compareTo(dec(b, "net_loss")), b.toString());
      BigDecimal[] s = sums.computeIfAbsent(b.get("sector"), k -> new BigDecimal[] {
          BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO});
      s[0] = s[0].add(cf);
      s[1] = s[1].add(gross);
      s[2] = s[2].add(rec);
      s[3] = s[3].add(dec(b, "actual_value"));
      s[4] = s[4].add(dec(b, "sla_credit"));
    }
    BigDecimal totalActual = BigDecimal.ZERO;
    for (Map<String, String> s : sectorTruth.values()) {
      BigDecimal[] fromBusinesses = sums.get(s.get("sector"));
      assertEquals(0, dec(s, "counterfactual_value").compareTo(fromBusinesses[0]));
      assertEquals(0, dec(s, "gross_loss").compareTo(fromBusinesses[1]));
      assertEquals(0, dec(s, "recovered").compareTo(fromBusinesses[2]));
      assertEquals(0, dec(s, "actual_value").compareTo(fromBusinesses[3]));
      assertEquals(0, dec(s, "sla_credits").compareTo(fromBusinesses[4]));
      assertEquals(0, dec(s, "counterfactual_value").subtract(dec(s, "gross_loss")).add(dec(s, "recovered"))
          .compareTo(dec(s, "actual_value")), s.toString());
      totalActual = totalActual.add(dec(s, "actual_value"));
    }
    assertEquals(0, totalActual.compareTo(truth.totals().actualValue()));
    assertTrue(truth.totals().grossLoss().signum() > 0);
    assertTrue(truth.totals().recovered().signum() > 0);
    assertTrue(truth.totals().recovered().compareTo(truth.totals().grossLoss()) < 0);
  }

  @Test
  void actualAndFailedValuesAreWhatTheWrittenTransactionsSay() {
    Map<String, String> sectorOf = sectors();
    long from = truth.windowStart().getEpochSecond();
    long to = truth.windowEnd().getEpochSecond();
    ReferenceValidator.Table t = files.tables.get("transactions");
    Map<String, BigDecimal> actual = new HashMap<>();
    Map<String, BigDecimal> failedValue = new HashMap<>();
    Map<String, Long> failed = new HashMap<>();
    for (List<String> row : files.results.get("transactions").accepted) {
      long at = instant(t.get(row, "occurred_at"));
      String currency = t.get(row, "currency");
      BigDecimal rate = files.fx.get(currency);
      BigDecimal usd = new BigDecimal(t.get(row, "amount")).multiply(rate).setScale(6);
      String sector = sectorOf.get(t.get(row, "business_id"));
      String status = t.get(row, "status");
      if (status.equals("succeeded") && at >= from && at < to) {
        actual.merge(sector, usd, BigDecimal::add);
      }
      if (status.equals("failed") || status.equals("timeout")) {
        failed.merge(sector, 1L, Long::sum);
        failedValue.merge(sector, usd, BigDecimal::add);
      }
    }
    for (Map<String, String> s : sectorTruth.values()) {
      String sector = s.get("sector");
      assertEquals(0, dec(s, "actual_value").compareTo(actual.getOrDefault(sector, BigDecimal.ZERO)), sector);
      assertEquals(0, dec(s, "failed_value").compareTo(failedValue.getOrDefault(sector, BigDecimal.ZERO)), sector);
      assertEquals(Long.parseLong(s.get("failed_txns")), failed.getOrDefault(sector, 0L), sector);
    }
    assertTrue(truth.totals().failedTxns() > 0);
  }

  /**
   * Policies: mixed kinds, waiting periods of 4 to 12 hours, some businesses uninsured; the truth
   * of each pays by the rules (cover after the waiting period, retention, limit) and its loss is
   * part of the business's true gross loss.
   */
  @Test
  void policiesAreMixedAndTheirTruthPaysByTheRules() throws IOException {
    ReferenceValidator.Table t = files.tables.get("policies");
    List<List<String>> accepted = files.results.get("policies").accepted;
    Set<String> insured = new HashSet<>();
    Set<String> kinds = new HashSet<>();
    for (List<String> row : accepted) {
      insured.add(t.get(row, "business_id"));
      kinds.add(t.get(row, "kind"));
      double waiting = Double.parseDouble(t.get(row, "waiting_period_hours"));
      assertTrue(waiting >= 4 && waiting <= 12, row.toString());
    }
    assertEquals(Set.of("indemnity", "parametric"), kinds);
    assertTrue(insured.size() > 20 && insured.size() < businessTruth.size(), insured.size() + " insured");

    Map<String, Map<String, String>> policies = readCsv(dir.resolve("truth/policies"), "policy_id");
    assertEquals(accepted.size(), policies.size());
    int triggered = 0;
    for (Map<String, String> p : policies.values()) {
      double down = Double.parseDouble(p.get("downtime_minutes"));
      double waiting = Double.parseDouble(p.get("waiting_period_hours")) * 60;
      boolean fired = Boolean.parseBoolean(p.get("triggered"));
      assertEquals(down > waiting, fired, p.toString());
      assertEquals(Math.max(0, down - waiting), Double.parseDouble(p.get("covered_minutes")), 1e-9, p.toString());
      BigDecimal loss = dec(p, "covered_loss");
      BigDecimal amount = p.get("kind").equals("parametric")
          ? dec(p, "payout_per_hour").multiply(BigDecimal.valueOf(Double.parseDouble(p.get("covered_minutes")) / 60))
          : loss;
      BigDecimal payout = amount.subtract(dec(p, "retention")).max(BigDecimal.ZERO);
      if (p.get("limit") != null && !p.get("limit").isEmpty()) {
        payout = payout.min(dec(p, "limit"));
      }
      assertEquals(0, payout.setScale(4, java.math.RoundingMode.HALF_UP)
          .compareTo(dec(p, "payout").setScale(4, java.math.RoundingMode.HALF_UP)), p.toString());
      if (!fired) {
        assertEquals(0, loss.signum(), "no cover, no loss seen: " + p);
      }
      assertTrue(loss.compareTo(dec(businessTruth.get(p.get("business_id")), "gross_loss")) <= 0, p.toString());
      triggered += fired ? 1 : 0;
    }
    assertTrue(triggered > 0, "some policy triggers on the default 5.5-hour outage");
  }

  @Test
  void rowCountsRejectsAndDuplicatesMatchTheFiles() {
    for (Map.Entry<String, ScenarioTruth.Input> e : truth.inputs().entrySet()) {
      ReferenceValidator.Result r = files.results.get(e.getKey());
      ScenarioTruth.Input in = e.getValue();
      assertEquals(in.read(), r.read, e.getKey() + " read");
      assertEquals(in.rejectedByReason(), r.rejectedByReason, e.getKey() + " rejects");
      assertEquals(in.duplicates(), r.duplicates, e.getKey() + " duplicates");
      assertEquals(in.accepted(), r.accepted.size(), e.getKey() + " accepted");
      assertEquals(in.read(), in.accepted() + in.rejected() + in.duplicates());
    }
    assertEquals(Map.of("malformed_row", 3L, "missing_required", 3L, "bad_timestamp", 3L, "bad_number", 3L,
        "bad_value", 3L, "unknown_business", 3L, "unknown_service", 3L, "unknown_currency", 3L),
        truth.inputs().get("transactions").rejectedByReason());
    assertTrue(truth.inputs().get("transactions").duplicates() >= 5);
    assertTrue(truth.inputs().get("reports").duplicates() >= 5);
    // Duplicates are redelivered in separate part files.
    ReferenceValidator.Table t = files.tables.get("transactions");
    assertTrue(t.files.size() > 3);
  }

  @Test
  void failedAndTimeoutHappenOnlyWhileTheirServiceIsImpaired() {
    ReferenceValidator.Table t = files.tables.get("transactions");
    int checked = 0;
    for (List<String> row : files.results.get("transactions").accepted) {
      String status = t.get(row, "status");
      if (!status.equals("failed") && !status.equals("timeout")) {
        continue;
      }
      String service = t.get(row, "service");
      assertNotNull(service, "a failed transaction needs a service");
      Instant at = Instant.ofEpochSecond(instant(t.get(row, "occurred_at")));
      boolean inside = truth.component(service).windows().stream()
          .anyMatch(w -> !at.isBefore(w.start()) && at.isBefore(w.end()));
      assertTrue(inside, row.toString());
      checked++;
    }
    assertTrue(checked > 0);
  }

  @Test
  void downtimeAvailabilityAndSlaCreditFollowFromTheInputs() {
    ReferenceValidator.Table rel = files.tables.get("business_services");
    Map<String, List<String>> reliesOn = new HashMap<>();
    for (List<String> row : files.results.get("business_services").accepted) {
      reliesOn.computeIfAbsent(rel.get(row, "business_id"), k -> new ArrayList<>()).add(rel.get(row, "service"));
    }
    ReferenceValidator.Table biz = files.tables.get("businesses");
    ReferenceValidator.Table tiers = files.tables.get("sla_tiers");
    int affected = 0;
    for (List<String> row : files.results.get("businesses").accepted) {
      String id = biz.get(row, "business_id");
      Map<String, String> b = businessTruth.get(id);
      List<long[]> down = new ArrayList<>();
      boolean hit = false;
      for (String s : reliesOn.getOrDefault(id, List.of())) {
        ScenarioTruth.Component c = truth.component(s);
        hit |= !c.state().equals("up");
        for (ScenarioTruth.Window w : c.windows()) {
          if (w.state().equals("down")) {
            down.add(new long[] {w.start().getEpochSecond(), w.end().getEpochSecond()});
          }
        }
      }
      long seconds = Intervals.ofPairs(down).measure();
      assertEquals(seconds / 60.0, Double.parseDouble(b.get("downtime_minutes")), 1e-9, id);
      assertEquals(Boolean.toString(hit), b.get("affected"), id);
      affected += hit ? 1 : 0;
      double availability = 100 * (1 - seconds / (31 * 1440 * 60.0)); // October
      assertEquals(availability, Double.parseDouble(b.get("availability_pct")), 1e-9, id);
      BigDecimal pct = BigDecimal.ZERO;
      for (List<String> tier : files.results.get("sla_tiers").accepted) {
        if (tiers.get(tier, "tier").equals(biz.get(row, "sla_tier"))
            && availability < Double.parseDouble(tiers.get(tier, "below_availability_pct"))) {
          pct = pct.max(new BigDecimal(tiers.get(tier, "credit_pct")));
        }
      }
      BigDecimal credit = new BigDecimal(biz.get(row, "monthly_fee")).multiply(pct).movePointLeft(2);
      assertEquals(0, credit.compareTo(dec(b, "sla_credit")), id);
    }
    assertEquals(truth.totals().affectedBusinesses(), affected);
    assertTrue(affected > 0 && affected < 60, "some businesses rely only on services that stay up: " + affected);
  }

  @Test
  void counterfactualSdIsPositiveAndOfASensibleSize() {
    double variance = 0;
    for (Map<String, String> s : sectorTruth.values()) {
      double sd = Double.parseDouble(s.get("counterfactual_sd"));
      variance += sd * sd;
      if (Long.parseLong(s.get("affected_businesses")) > 0) {
        assertTrue(sd > 0, s.toString());
        // Noise on the impaired streams is a fraction of the value at stake, never more than it.
        double cf = dec(s, "counterfactual_value").doubleValue();
        assertTrue(sd < 0.5 * cf && sd > 0.002 * cf, s.toString());
      }
    }
    assertEquals(Math.sqrt(variance), truth.totals().counterfactualSd(), 1e-6);
  }

  @Test
  void incidentGraphReportsAndTimestampsLookAsSpecified() throws IOException {
    JsonNode incident = new ObjectMapper().readTree(dir.resolve("incident.json").toFile());
    assertEquals("penlight-2021-10-04", incident.get("id").asText());
    assertEquals("bgp-core", incident.get("root_component").asText());
    List<String> statuses = new ArrayList<>();
    incident.get("updates").forEach(u -> statuses.add(u.get("status").asText()));
    assertEquals(List.of("investigating", "identified", "monitoring", "resolved"), statuses);

    JsonNode graph = new ObjectMapper().readTree(dir.resolve("graph.json").toFile());
    boolean group = false;
    for (JsonNode d : graph.get("dependencies")) {
      group |= d.has("group") && d.get("min_up").asInt() == 1;
    }
    assertTrue(group);

    // Text timestamps: about 10% written with a non-UTC offset, all in their UTC date's folder.
    ReferenceValidator.Table t = files.tables.get("reports");
    int offsets = 0;
    int total = 0;
    for (List<String> row : files.results.get("reports").accepted) {
      String at = t.get(row, "reported_at");
      total++;
      offsets += at.endsWith("Z") ? 0 : 1;
    }
    double share = offsets / (double) total;
    assertTrue(share > 0.07 && share < 0.13, "offset share " + share);

    // A surge on messaging: the first outage hours against the same hours a week earlier.
    long start = truth.start().getEpochSecond();
    long messagingNow = 0;
    long messagingWeekBefore = 0;
    for (List<String> row : files.results.get("reports").accepted) {
      if (!t.get(row, "service").equals("messaging")) {
        continue;
      }
      long at = instant(t.get(row, "reported_at"));
      messagingNow += at >= start && at < start + 3 * 3600 ? 1 : 0;
      messagingWeekBefore += at >= start - 7 * 86400 && at < start - 7 * 86400 + 3 * 3600 ? 1 : 0;
    }
    assertTrue(messagingNow > 10 * Math.max(1, messagingWeekBefore), messagingNow + " vs " + messagingWeekBefore);
    assertNotNull(truth.document().get("blip"));

    try (Stream<Path> s = Files.walk(dir.resolve("transactions"))) {
      for (Path p : s.filter(p -> p.toString().endsWith(".csv") && !p.getFileName().toString().startsWith("part-bad")).toList()) {
        String date = p.getParent().getFileName().toString().substring("date=".length());
        List<String> lines = Files.readAllLines(p);
        for (String line : lines.subList(1, lines.size())) {
          String at = ReferenceValidator.split(line).get(2);
          assertEquals(date, OffsetDateTime.parse(at).withOffsetSameInstant(ZoneOffset.UTC).toLocalDate().toString());
        }
      }
    }
    assertFalse(Files.exists(dir.resolve("truth/truth.json").resolveSibling(".truth.json.crc")));
  }
}
