package com.outageimpact.impact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.outageimpact.impact.SecondFamily.Business;
import com.outageimpact.impact.SecondFamily.Config;
import com.outageimpact.impact.SecondFamily.Feature;
import com.outageimpact.impact.SecondFamily.Truth;
import com.outageimpact.impact.SecondFamily.Txn;
import com.outageimpact.impact.SecondFamily.World;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The second scenario family's truth is consistent and each feature does what it says (no Spark). */
class SecondFamilyTest {

  private static final JsonNode GRAPH = graph();

  private static JsonNode graph() {
    try {
      return new ObjectMapper().readTree(SecondFamily.sampleGraph().toFile());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static World world(long seed, boolean outage, Feature... features) {
    EnumSet<Feature> set = EnumSet.noneOf(Feature.class);
    set.addAll(List.of(features));
    return SecondFamily.simulate(new Config(seed, 60, 40_000, set, outage), GRAPH);
  }

  @Test
  void withoutAnOutageThePlainWorldLosesNothing() {
    World w = world(3, false);
    assertTrue(w.states.isEmpty());
    for (Truth t : w.truth) {
      assertEquals(0, t.net(), 1e-9);
      assertEquals(0, t.gross, 0);
      assertEquals(0, t.recovered, 0);
      assertFalse(t.hit);
    }
    assertTrue(w.txns.stream().noneMatch(t -> t.lost || t.historyLost || t.returnAt >= 0));
  }

  @Test
  void truthAddsUpPerBusinessAndSector() {
    for (World w : List.of(world(5, true), world(6, true, Feature.values()))) {
      double net = 0;
      double gross = 0;
      for (Truth t : w.truth) {
        assertEquals(t.counterfactual - t.gross + t.recovered, t.actual, 1e-6);
        assertTrue(t.hit || t.net() == 0, "a business with no hit stream loses nothing");
        net += t.net();
        gross += t.gross;
      }
      double sectorNet = 0;
      double sectorGross = 0;
      for (Truth s : SecondFamily.sectorTruth(w)) {
        sectorNet += s.net();
        sectorGross += s.gross;
      }
      assertEquals(net, sectorNet, 1e-6);
      assertEquals(gross, sectorGross, 1e-6);
      assertTrue(gross > 0, "the outage loses value");
      assertFalse(w.states.isEmpty());
    }
  }

  @Test
  void commonRandomNumbers() {
    // The outage changes only fates: with and without it, the same draws.
    World with = world(7, true);
    World without = world(7, false);
    assertEquals(without.txns.size(), with.txns.size());
    for (int i = 0; i < with.txns.size(); i++) {
      assertEquals(without.txns.get(i).value, with.txns.get(i).value, 0);
    }
  }

  @Test
  void featuresChangeTheDataAsStated() {
    World plain = world(11, true);
    // Sizes: equal without, lognormal (log SD about 0.9) with.
    assertTrue(plain.businesses.stream().allMatch(b -> b.size() == 1.0));
    double[] logs = world(11, true, Feature.SIZES).businesses.stream().mapToDouble(b -> Math.log(b.size())).toArray();
    double mean = java.util.Arrays.stream(logs).average().orElse(0);
    double sd = Math.sqrt(java.util.Arrays.stream(logs).map(x -> (x - mean) * (x - mean)).sum() / (logs.length - 1));
    assertEquals(0.9, sd, 0.25);
    // Growth: the last full week holds about 1.02^4 the first's transactions.
    World growth = world(11, true, Feature.GROWTH);
    double ratio = weekCount(growth, 4) / (double) weekCount(growth, 0);
    double plainRatio = weekCount(plain, 4) / (double) weekCount(plain, 0);
    assertEquals(Math.pow(1.02, 4), ratio / plainRatio, 0.04);
    // Day levels: drawn per business and day only when switched on.
    assertNull(plain.businesses.get(0).dayLevels());
    assertTrue(world(11, true, Feature.DAY_LEVEL).businesses.get(0).dayLevels() != null);
    // Degradation: half the degraded service's transactions lost for 3 hours, 1 to 3 weeks back.
    World degraded = world(11, true, Feature.DEGRADATION);
    assertTrue(degraded.states.containsKey(degraded.degradedService));
    long back = degraded.outageStart - degraded.degradationStart;
    assertTrue(back % SecondFamily.WEEK == 0 && back >= SecondFamily.WEEK && back <= 3 * SecondFamily.WEEK);
    long inSpan = degraded.txns.stream().filter(t -> t.service.equals(degraded.degradedService)
        && t.at >= degraded.degradationStart && t.at < degraded.degradationStart + 3 * 3600).count();
    long lost = degraded.txns.stream().filter(t -> t.historyLost).count();
    assertTrue(inSpan > 20 && Math.abs(lost - inSpan / 2.0) < 4 * Math.sqrt(inSpan), lost + " of " + inSpan);
    assertNull(plain.degradedService);
    // Rebound: returns after each service's recovery, with mean delay about 90 minutes (30 at most without).
    World rebound = SecondFamily.simulate(new Config(2, 200, 150_000, EnumSet.of(Feature.REBOUND), true), GRAPH);
    double[] delays = rebound.txns.stream().filter(t -> t.returnAt >= 0)
        .mapToDouble(t -> (t.returnAt - rebound.states.get(t.service).end()) / 60.0).toArray();
    assertTrue(delays.length > 100);
    // An exponential's mean estimate has a standard error of mean / sqrt(n): within 4 of them.
    assertEquals(90, java.util.Arrays.stream(delays).average().orElse(0), 4 * 90 / Math.sqrt(delays.length));
    assertTrue(plain.txns.stream().filter(t -> t.returnAt >= 0)
        .allMatch(t -> t.returnAt - plain.states.get(t.service).end() <= 30 * 60));
    // Subset: some businesses use fewer services than their sector offers.
    World subset = world(11, true, Feature.SUBSET);
    assertTrue(subset.businesses.stream().anyMatch(b -> b.services().length < SecondFamily.SECTOR_SERVICES[b.sector()].length));
    assertTrue(plain.businesses.stream().allMatch(b -> b.services().length == SecondFamily.SECTOR_SERVICES[b.sector()].length));
    // Currencies: three with, one without.
    Set<String> currencies = new HashSet<>();
    world(11, true, Feature.CURRENCIES).businesses.forEach(b -> currencies.add(b.currency()));
    assertEquals(Set.of("USD", "EUR", "GBP"), currencies);
    assertTrue(plain.businesses.stream().allMatch(b -> b.currency().equals("USD")));
  }

  @TempDir Path tmp;

  @Test
  void writesContractShapedInputsWithLocalOffsets() throws Exception {
    World w = SecondFamily.write(tmp, new Config(13, 30, 20_000, EnumSet.of(Feature.OFFSETS, Feature.CURRENCIES), true),
        SecondFamily.sampleGraph());
    for (String f : new String[] {"graph.json", "businesses.csv", "business_services.csv", "sla_tiers.csv",
        "fx_rates.csv", "truth/truth.json", "truth/sectors.csv", "truth/businesses.csv"}) {
      assertTrue(Files.exists(tmp.resolve(f)), f);
    }
    long rows;
    boolean offsets;
    try (Stream<Path> reports = Files.walk(tmp.resolve("reports"))) {
      offsets = reports.filter(p -> p.toString().endsWith(".csv")).anyMatch(p -> {
        try {
          String text = Files.readString(p);
          return text.contains("+05:30") && text.contains("-03:00");
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    }
    assertTrue(offsets, "local offsets written");
    try (Stream<Path> parts = Files.walk(tmp.resolve("transactions"))) {
      List<String> lines = parts.filter(p -> p.toString().endsWith(".csv")).flatMap(p -> {
        try {
          return Files.readAllLines(p).stream().skip(1);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
      rows = lines.size();
      offsets = lines.stream().anyMatch(l -> l.matches(".*T[0-9:]+[+-][0-9][0-9]:[0-9][0-9],.*"));
    }
    long expected = w.txns.stream().filter(t -> !(t.lost || t.historyLost) || t.attemptStatus != null).count()
        + w.txns.stream().filter(t -> t.returnAt >= 0 && t.returnAt < w.dataEnd).count();
    assertEquals(expected, rows);
    assertTrue(offsets, "local offsets written in transactions");
    Business b = w.businesses.get(0);
    assertTrue(Files.readString(tmp.resolve("businesses.csv")).contains(b.id()));
    Txn t = w.txns.get(0);
    assertEquals(t.amount * SecondFamily.FX.get(w.businesses.get(t.business).currency()), t.value, 1e-9);
  }

  private static long weekCount(World w, int week) {
    long from = w.dataStart + week * SecondFamily.WEEK;
    return w.txns.stream().filter(t -> t.at >= from && t.at < from + SecondFamily.WEEK).count();
  }
}
