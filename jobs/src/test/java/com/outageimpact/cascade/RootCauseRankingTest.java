package com.outageimpact.cascade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.outageimpact.cascade.RootCauseRanking.Candidate;
import com.outageimpact.graph.ServiceGraph;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Root-cause ranking on the PenLight graph and on small graphs built to isolate one rule each. */
class RootCauseRankingTest {

  private static final Instant T0 = Instant.parse("2021-10-04T15:45:00Z");

  /** "service:ratio:onsetMinutes" entries: what the reports showed. */
  private static Map<String, ObservedService> observed(String... entries) {
    Map<String, ObservedService> observed = new LinkedHashMap<>();
    for (String entry : entries) {
      String[] p = entry.split(":");
      Instant start = T0.plusSeconds(60L * Integer.parseInt(p[2]));
      observed.put(p[0], new ObservedService(p[0], start, start.plusSeconds(3 * 3600), Double.parseDouble(p[1])));
    }
    return observed;
  }

  private static List<Candidate> rank(ServiceGraph g, Map<String, ObservedService> observed, String declared) {
    return new RootCauseRanking(g, new Cascade(g)).rank(observed, declared);
  }

  /** What users see when the BGP core (or the backbone) fails: five services down, helpdesk degraded. */
  private static final String[] CORE_DOWN = {
      "messaging:60:0", "video-calls:55:0", "cloud-storage:70:5", "gaming:50:0", "payments-api:65:5", "helpdesk:6:10"};

  @Test
  void theMostUpstreamOfEquallyGoodExplanationsComesFirstAndItsTwinsAreMarked() throws Exception {
    List<Candidate> ranked = rank(TestGraphs.penlight(), observed(CORE_DOWN), null);
    Candidate top = ranked.get(0);
    assertEquals("bgp-core", top.component());
    assertEquals(1.0, top.score(), 1e-9);
    assertEquals(List.of(), top.unexplained());
    assertEquals(List.of(), top.predictedNotSeen());
    // The backbone alone predicts exactly the same: the reports cannot tell the two apart.
    Candidate second = ranked.get(1);
    assertEquals("backbone", second.component());
    assertTrue(second.indistinguishableFromTop());
    assertFalse(ranked.stream().filter(c -> c.component().equals("dns")).findFirst().orElseThrow()
        .indistinguishableFromTop());
  }

  @Test
  void aDegradedServiceTellsDnsFromTheCore() throws Exception {
    // DNS down: auth is down, and payments (soft on auth) is only degraded; the core takes it down.
    Map<String, ObservedService> o = observed("messaging:60:0", "video-calls:55:0", "cloud-storage:70:5",
        "gaming:50:0", "payments-api:6:5", "helpdesk:9:10");
    List<Candidate> ranked = rank(TestGraphs.penlight(), o, null);
    assertEquals("dns", ranked.get(0).component());
    assertEquals(List.of("dns", "edge", "storage-backend", "auth"),
        ranked.stream().filter(Candidate::indistinguishableFromTop).map(Candidate::component).toList());
  }

  @Test
  void aServiceTheReportsMissedOrAnUnrelatedBlipDoesNotMoveTheAnswer() throws Exception {
    Map<String, ObservedService> o = observed("messaging:60:0", "video-calls:55:0", "cloud-storage:70:5",
        "gaming:50:0", "payments-api:65:5", "status-page:12:30"); // helpdesk missed, status page unrelated
    Candidate top = rank(TestGraphs.penlight(), o, null).get(0);
    assertEquals("bgp-core", top.component());
    assertEquals(List.of("status-page"), top.unexplained());
    assertEquals(List.of("helpdesk"), top.predictedNotSeen());
    assertEquals(5.0 / 7, top.score(), 1e-9);
  }

  @Test
  void aDeclaredRootIsContradictedOnlyWhenItExplainsClearlyLess() throws Exception {
    ServiceGraph g = TestGraphs.penlight();
    Map<String, ObservedService> o = observed(CORE_DOWN);
    List<Candidate> ranked = rank(g, o, "dc-east");
    assertTrue(RootCauseRanking.contradicts(ranked, "dc-east")); // explains gaming alone
    assertTrue(ranked.stream().anyMatch(c -> c.component().equals("dc-east")));
    assertFalse(RootCauseRanking.contradicts(rank(g, o, "backbone"), "backbone"));
    assertFalse(RootCauseRanking.contradicts(rank(g, o, "dns"), "dns")); // only payments' state differs
    // A declared root that explains nothing at all is still listed, with score 0.
    List<Candidate> unrelated = rank(g, o, "carrier-interconnect");
    Candidate carrier = unrelated.stream().filter(c -> c.component().equals("carrier-interconnect"))
        .findFirst().orElseThrow();
    assertEquals(0, carrier.score(), 1e-9);
    assertTrue(RootCauseRanking.contradicts(unrelated, "carrier-interconnect"));
  }

  @Test
  void aDependentHitWellBeforeItsDependencyCountsAgainstTheRoot() throws Exception {
    // b needs a; both sit behind x. If b's reports rose an hour before a's, "x failed" (which
    // reaches b through a) explains the order badly.
    ServiceGraph g = TestGraphs.graph("x", "a>x:hard", "b>a:hard");
    double inOrder = rank(g, observed("a:50:0", "b:50:3"), null).get(0).score();
    double outOfOrder = rank(g, observed("a:50:60", "b:50:0"), null).get(0).score();
    assertEquals(1.0, inOrder, 1e-9);
    assertEquals(0.5, outOfOrder, 1e-9);
  }

  @Test
  void reportsNamingAnInternalComponentAreComparedLikeAService() throws Exception {
    ServiceGraph g = TestGraphs.penlight();
    List<String> withDns = new java.util.ArrayList<>(List.of(CORE_DOWN));
    withDns.add("dns:60:0");
    Map<String, ObservedService> o = observed(withDns.toArray(String[]::new));
    Cascade cascade = new Cascade(g);
    Candidate top = new RootCauseRanking(g, new Footprints(g, cascade, List.of("dns"))).rank(o, null).get(0);
    assertEquals("bgp-core", top.component()); // the backbone does not take DNS down; the core does
    assertTrue(top.explained().contains("dns"));
    assertEquals(1.0, top.score(), 1e-9);
  }

  @Test
  void nothingObservedRanksNothing() throws Exception {
    assertEquals(List.of(), rank(TestGraphs.penlight(), Map.of(), "bgp-core"));
    assertFalse(RootCauseRanking.contradicts(List.of(), "bgp-core"));
  }

  @Test
  void downnessGradesThePeakRatio() {
    assertEquals(0, new ObservedService("s", T0, T0, 5).downness(), 1e-9);
    assertEquals(1, new ObservedService("s", T0, T0, 40).downness(), 1e-9);
    assertEquals(0.5, new ObservedService("s", T0, T0, 20).downness(), 1e-9);
    assertEquals(Cascade.State.DOWN, new ObservedService("s", T0, T0, 21).state());
    assertEquals(Cascade.State.DEGRADED, new ObservedService("s", T0, T0, 19).state());
  }
}
