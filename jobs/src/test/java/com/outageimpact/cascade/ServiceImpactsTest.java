package com.outageimpact.cascade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.outageimpact.cascade.Cascade.State;
import com.outageimpact.cascade.ComponentExposure.Exposure;
import com.outageimpact.cascade.ServiceImpacts.ComponentImpact;
import com.outageimpact.graph.ServiceGraph;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Per-component impact times and states, and the exposure ranking, on small graphs. */
class ServiceImpactsTest {

  private static final Instant T0 = Instant.parse("2021-10-04T15:40:00Z");

  private static Instant at(int minutes) {
    return T0.plusSeconds(60L * minutes);
  }

  private static Map<String, ComponentImpact> impacts(ServiceGraph g, String root, ObservedService... seen) {
    Map<String, ObservedService> observed =
        List.of(seen).stream().collect(Collectors.toMap(ObservedService::service, Function.identity()));
    return ServiceImpacts.of(g, new Cascade(g), root, observed, at(0), at(300)).stream()
        .collect(Collectors.toMap(ComponentImpact::component, Function.identity()));
  }

  @Test
  void internalComponentsAreBoundedByWhatTheyImpair() throws Exception {
    // core -> net -> {web, api}; web observed 10-200, api observed 20-240; mail (on core) unseen.
    ServiceGraph g = TestGraphs.graph("core,net", "net>core:hard", "web>net:hard", "api>net:hard",
        "mail>core:hard", "blog>other:hard");
    Map<String, ComponentImpact> i = impacts(g, "core",
        new ObservedService("web", at(10), at(200), 50), new ObservedService("api", at(20), at(240), 60));
    assertEquals(at(10), i.get("net").impactStart());
    assertEquals(at(240), i.get("net").impactEnd());
    assertEquals(at(10), i.get("core").impactStart());
    assertEquals(230.0, i.get("core").downtimeMinutes(), 1e-9);
    assertEquals(List.of("core", "net", "api"), i.get("api").path());
    assertTrue(i.get("api").observed());
    // Predicted down but without reports: the incident's span stands in, and it is not observed.
    assertEquals(State.DOWN, i.get("mail").state());
    assertFalse(i.get("mail").observed());
    assertEquals(at(0), i.get("mail").impactStart());
    assertEquals(at(300), i.get("mail").impactEnd());
    assertEquals(State.UP, i.get("blog").state());
    assertNull(i.get("blog").impactStart());
    assertEquals(0, i.get("blog").downtimeMinutes());
  }

  /**
   * A service down until the reports fall away (200), then degraded until its failed transactions
   * stop (260): impact to 260, downtime to 200, and what it impairs upstream likewise.
   */
  @Test
  void aDegradedTailExtendsTheImpactButNotTheDowntime() throws Exception {
    ServiceGraph g = TestGraphs.graph("core", "web>core:hard");
    Map<String, ComponentImpact> i = impacts(g, "core", new ObservedService("web", at(10), at(260), at(200), 50));
    assertEquals(at(260), i.get("web").impactEnd());
    assertEquals(at(200), i.get("web").downEnd());
    assertEquals(190.0, i.get("web").downtimeMinutes(), 1e-9);
    assertEquals(at(260), i.get("core").impactEnd());
    assertEquals(190.0, i.get("core").downtimeMinutes(), 1e-9);
  }

  @Test
  void degradedComponentsHaveNoDowntimeAndUnexplainedReportsKeepTheirOwnState() throws Exception {
    ServiceGraph g = TestGraphs.graph("core", "web>core:hard", "chat>web:soft", "status>cdn:hard");
    Map<String, ComponentImpact> i = impacts(g, "core",
        new ObservedService("web", at(5), at(100), 50), new ObservedService("chat", at(8), at(110), 6),
        new ObservedService("status", at(30), at(60), 40));
    assertEquals(State.DEGRADED, i.get("chat").state());
    assertEquals(0, i.get("chat").downtimeMinutes());
    assertEquals(95.0, i.get("web").downtimeMinutes(), 1e-9);
    ComponentImpact status = i.get("status");
    assertEquals(State.DOWN, status.state()); // 40x normal: down, by its reports
    assertTrue(status.observed());
    assertFalse(status.explained());
    assertEquals(List.of(), status.path());
    assertEquals(State.UP, i.get("cdn").state());
  }

  private static ObservedService seen(String service, double peakRatio, long attempts, long completed) {
    return new ObservedService(service, at(10), at(190), at(190), peakRatio,
        new com.outageimpact.detect.OutageWindow.Completion(attempts, completed));
  }

  /**
   * A root whose own transactions kept completing only degraded: no downtime, and what depends on
   * it is degraded too, though its reports rose 30 times (down by the reports alone). When its
   * attempts mostly failed it is down, and with too few attempts, or none read, the root is down
   * as before.
   */
  @Test
  void aRootWhoseTransactionsKeptCompletingIsDegraded() throws Exception {
    ServiceGraph g = TestGraphs.graph("", "messaging>dns:soft", "video>messaging:hard", "chat>messaging:soft");
    Map<String, ComponentImpact> i = impacts(g, "messaging", seen("messaging", 30, 940, 940));
    assertEquals(State.DEGRADED, i.get("messaging").state());
    assertEquals(0, i.get("messaging").downtimeMinutes());
    assertEquals(State.DEGRADED, i.get("video").state());
    assertEquals(List.of("messaging", "video"), i.get("video").path());
    assertEquals(State.DEGRADED, i.get("chat").state());

    Map<String, ComponentImpact> down = impacts(g, "messaging", seen("messaging", 30, 1480, 201));
    assertEquals(State.DOWN, down.get("messaging").state());
    assertEquals(180.0, down.get("messaging").downtimeMinutes(), 1e-9);
    assertEquals(State.DOWN, down.get("video").state());

    assertEquals(State.DOWN, impacts(g, "messaging", seen("messaging", 30, 9, 9)).get("messaging").state());
    assertEquals(State.DOWN,
        impacts(g, "messaging", new ObservedService("messaging", at(10), at(190), 30)).get("messaging").state());
  }

  /**
   * An internal root is not seen; its state is the one under which the cascade predicts best what
   * the observed services' transactions show. Ties stay down.
   */
  @Test
  void anInternalRootTakesTheStateItsServicesTransactionsAgreeWith() throws Exception {
    ServiceGraph g = TestGraphs.graph("core", "web>core:hard", "api>core:hard", "chat>core:soft");
    Map<String, ComponentImpact> degraded = impacts(g, "core",
        seen("web", 50, 500, 400), seen("api", 50, 300, 250), seen("chat", 8, 100, 90));
    assertEquals(State.DEGRADED, degraded.get("core").state());
    assertEquals(State.DEGRADED, degraded.get("web").state());
    assertEquals(0, degraded.get("web").downtimeMinutes());

    Map<String, ComponentImpact> down = impacts(g, "core",
        seen("web", 50, 500, 20), seen("api", 50, 300, 250), seen("chat", 8, 100, 90));
    // Down explains web and chat; degraded explains api and chat.
    assertEquals(State.DOWN, down.get("core").state());
    assertEquals(State.DOWN, down.get("api").state());
  }

  /** A service the cascade does not explain takes the state its own transactions show, over its reports'. */
  @Test
  void anUnexplainedServiceTakesItsTransactionsState() throws Exception {
    ServiceGraph g = TestGraphs.graph("core,cdn", "web>core:hard", "status>cdn:hard");
    Map<String, ComponentImpact> i = impacts(g, "core", seen("web", 50, 500, 10), seen("status", 40, 200, 180));
    assertEquals(State.DEGRADED, i.get("status").state());
    assertFalse(i.get("status").explained());
  }

  @Test
  void withoutARootOnlyWhatWasObservedIsImpaired() throws Exception {
    ServiceGraph g = TestGraphs.graph("core", "web>core:hard");
    Map<String, ComponentImpact> i = impacts(g, null, new ObservedService("web", at(5), at(100), 50));
    assertEquals(State.DOWN, i.get("web").state());
    assertEquals(State.UP, i.get("core").state());
  }

  @Test
  void exposureCountsWhatEachFailureWouldPutAtRiskAndRanksIt() throws Exception {
    ServiceGraph g = TestGraphs.graph("core,cdn", "web>core:hard", "chat>web:soft", "status>cdn:hard");
    List<NormalRates.Stream> streams = List.of(
        new NormalRates.Stream("shop", "retail", false, "web", 100, 150),
        new NormalRates.Stream("shop", "retail", false, "chat", 50, 150),
        new NormalRates.Stream("clinic", "health_care", true, "chat", 30, 30),
        new NormalRates.Stream("bank", "finance", false, "status", 10, 10),
        // Shares from business_services may overlap: 80 + 60 of a 100 an hour business.
        new NormalRates.Stream("agency", "media", false, "web", 80, 100),
        new NormalRates.Stream("agency", "media", false, "chat", 60, 100));
    Map<String, Exposure> e = exposures(g, streams);
    Exposure core = e.get("core");
    assertEquals(1, core.rank());
    assertEquals(List.of("web"), core.servicesDown());
    assertEquals(List.of("chat"), core.servicesDegraded());
    assertEquals(3, core.businesses());
    assertEquals(List.of("health_care", "media", "retail"), core.sectors());
    assertEquals(1, core.criticalBusinesses());
    assertEquals(100 + 80 * 100.0 / 140, core.valuePerHourDown(), 1e-9);
    assertEquals(50 + 30 + 60 * 100.0 / 140, core.valuePerHourDegraded(), 1e-9);
    assertEquals(280, core.valuePerHourAtRisk(), 1e-9);
    // web ties with core on value, critical businesses and services: the id breaks the tie.
    assertEquals(2, e.get("web").rank());
    assertEquals(3, e.get("chat").rank());
    assertEquals(10, e.get("cdn").valuePerHourAtRisk(), 1e-9);
    assertEquals(0, e.get("status").criticalBusinesses());
  }

  /** Equal values summed in another order differ in the last bit; that must not outrank a critical business. */
  @Test
  void exposureTiesOnValueFallToTheCriticalBusinessesNotToTheLastBit() throws Exception {
    ServiceGraph g = TestGraphs.graph("a,b", "x>a:hard", "y>b:hard", "z>b:hard");
    List<NormalRates.Stream> streams = List.of(
        new NormalRates.Stream("clinic", "health_care", true, "x", 0.3, 10),
        new NormalRates.Stream("shop", "retail", false, "y", 0.1, 10),
        new NormalRates.Stream("shop", "retail", false, "z", 0.2, 10));
    Map<String, Exposure> e = exposures(g, streams);
    assertTrue(e.get("b").valuePerHourAtRisk() > e.get("a").valuePerHourAtRisk()); // 0.1 + 0.2 > 0.3 in doubles
    assertTrue(e.get("a").rank() < e.get("b").rank(), "a " + e.get("a").rank() + ", b " + e.get("b").rank());
  }

  /** Each component's exposure, by component. */
  private static Map<String, Exposure> exposures(ServiceGraph g, List<NormalRates.Stream> streams) {
    return ComponentExposure.rank(g, new Cascade(g), streams).stream()
        .collect(Collectors.toMap(Exposure::component, Function.identity()));
  }
}
