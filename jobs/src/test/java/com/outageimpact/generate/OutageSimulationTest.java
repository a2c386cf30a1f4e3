package com.outageimpact.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.outageimpact.generate.OutageSimulation.Outcome;
import com.outageimpact.generate.OutageSimulation.State;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The cascade on the template graph: states, timing, paths, redundancy groups. No Spark. */
class OutageSimulationTest {

  private static final PenLightGraph GRAPH = PenLightGraph.penlight();
  private static final long T0 = Instant.parse("2021-10-04T15:39:00Z").getEpochSecond();
  private static final long DURATION = 330 * 60;

  private static OutageSimulation run(String root, long seed) {
    return OutageSimulation.run(GRAPH, root, T0, DURATION, seed);
  }

  private static Map<String, State> states(OutageSimulation sim) {
    Map<String, State> out = new TreeMap<>();
    for (Outcome o : sim.outcomes()) {
      out.put(o.id(), o.state());
    }
    return out;
  }

  private static Set<String> withState(OutageSimulation sim, State state) {
    return Set.copyOf(states(sim).entrySet().stream().filter(e -> e.getValue() == state).map(Map.Entry::getKey).toList());
  }

  @Test
  void bgpCoreTakesTheUserFacingServicesDownAndLeavesTheIndependentOnesUp() {
    OutageSimulation sim = run("bgp-core", 42);
    assertEquals(Set.of("bgp-core", "backbone", "dns", "edge", "dc-east", "dc-west", "storage-backend", "auth",
        "media-relay", "notifications", "messaging", "video-calls", "cloud-storage", "gaming", "payments-api"),
        withState(sim, State.DOWN));
    assertEquals(Set.of("helpdesk"), withState(sim, State.DEGRADED), "soft edge on messaging only");
    assertEquals(Set.of("external-cdn", "carrier-interconnect", "status-page", "sms-gateway"), withState(sim, State.UP));

    assertEquals(List.of("bgp-core", "backbone", "dc-east", "storage-backend"), sim.outcome("storage-backend").path());
    assertEquals(List.of("bgp-core", "dns", "edge", "auth", "messaging"), sim.outcome("messaging").path());
    assertEquals(List.of("bgp-core", "dns", "edge", "auth", "messaging", "helpdesk"), sim.outcome("helpdesk").path());
    assertEquals(List.of("bgp-core", "backbone", "dc-west", "payments-api"), sim.outcome("payments-api").path());
    assertEquals(null, sim.outcome("status-page").path());
    assertEquals(List.of("bgp-core"), sim.outcome("bgp-core").path());
  }

  @Test
  void timingFollowsParentsWithSeededLags() {
    OutageSimulation sim = run("bgp-core", 42);
    Outcome root = sim.outcome("bgp-core");
    assertEquals(T0, root.impactStart());
    assertEquals(T0 + DURATION, root.impactEnd());
    assertEquals(T0, sim.start());
    // A single-parent chain: onset 1-4 minutes after the parent's, recovery 5-30 minutes after.
    for (String[] edge : new String[][] {{"dns", "bgp-core"}, {"edge", "dns"}, {"backbone", "bgp-core"},
        {"dc-east", "backbone"}, {"media-relay", "edge"}}) {
      Outcome child = sim.outcome(edge[0]);
      Outcome parent = sim.outcome(edge[1]);
      long onsetLag = child.impactStart() - parent.impactStart();
      long restoreLag = child.impactEnd() - parent.impactEnd();
      assertTrue(onsetLag >= 60 && onsetLag <= 240, edge[0] + " onset lag " + onsetLag);
      assertTrue(restoreLag >= 300 && restoreLag <= 1800, edge[0] + " restore lag " + restoreLag);
      assertEquals(1, child.down().size());
    }
    // The group of two data centres (min_up 1) fails only while both are down.
    Outcome east = sim.outcome("dc-east");
    Outcome west = sim.outcome("dc-west");
    Outcome storage = sim.outcome("storage-backend");
    assertEquals(Math.max(east.impactStart(), west.impactStart()) + storage.onsetLagSeconds(), storage.impactStart());
    assertEquals(Math.min(east.impactEnd(), west.impactEnd()) + storage.restoreLagSeconds(), storage.impactEnd());
    // The incident ends with the last recovery.
    long last = sim.outcomes().stream().filter(o -> o.impactEnd() != null).mapToLong(Outcome::impactEnd).max().orElseThrow();
    assertEquals(last, sim.end());
    assertTrue(sim.end() > sim.rootRecovery());
  }

  @Test
  void oneDataCentreAloneDoesNotTakeStorageDown() {
    OutageSimulation sim = run("dc-east", 42);
    assertEquals(Set.of("dc-east", "gaming"), withState(sim, State.DOWN));
    assertEquals(Set.of(), withState(sim, State.DEGRADED));
    assertEquals(State.UP, sim.outcome("storage-backend").state());
    assertEquals(State.UP, sim.outcome("auth").state());
    assertEquals(State.UP, sim.outcome("messaging").state());
    assertEquals(List.of("dc-east", "gaming"), sim.outcome("gaming").path());
  }

  @Test
  void dnsTakesDownWhatIsBelowItAndDegradesSoftDependents() {
    OutageSimulation sim = run("dns", 42);
    assertEquals(Set.of("dns", "edge", "auth", "media-relay", "notifications", "messaging", "video-calls",
        "cloud-storage", "gaming"), withState(sim, State.DOWN));
    assertEquals(Set.of("payments-api", "helpdesk"), withState(sim, State.DEGRADED));
    for (String up : List.of("bgp-core", "backbone", "dc-east", "dc-west", "storage-backend", "status-page", "sms-gateway")) {
      assertEquals(State.UP, sim.outcome(up).state(), up);
    }
    assertEquals(List.of("dns", "edge", "auth", "payments-api"), sim.outcome("payments-api").path());
  }

  @Test
  void redundancyGroupCountsMembersDownAgainstMinUp() {
    List<PenLightGraph.Component> components = List.of(
        new PenLightGraph.Component("a", "A", "infrastructure"),
        new PenLightGraph.Component("b", "B", "infrastructure"),
        new PenLightGraph.Component("c", "C", "infrastructure"),
        new PenLightGraph.Component("svc", "Service", "service"));
    List<PenLightGraph.Dependency> deps = List.of(
        new PenLightGraph.Dependency("b", "a", "hard", null, null),
        new PenLightGraph.Dependency("svc", "a", "hard", "g", 2),
        new PenLightGraph.Dependency("svc", "b", "hard", "g", 2),
        new PenLightGraph.Dependency("svc", "c", "hard", "g", 2));
    PenLightGraph g = new PenLightGraph(components, deps);
    // Root c: one of three down, two still up = min_up: the service holds.
    assertEquals(State.UP, OutageSimulation.run(g, "c", T0, DURATION, 1).outcome("svc").state());
    // Root a: a and b down, one up < min_up 2: the service goes down.
    OutageSimulation sim = OutageSimulation.run(g, "a", T0, DURATION, 1);
    assertEquals(State.DOWN, sim.outcome("svc").state());
    assertEquals(List.of("a", "svc"), sim.outcome("svc").path());
  }

  @Test
  void lagsAreSeededPerComponent() {
    assertEquals(run("bgp-core", 7).outcomes(), run("bgp-core", 7).outcomes());
    assertNotEquals(run("bgp-core", 7).outcome("dns").impactStart(), run("bgp-core", 8).outcome("dns").impactStart());
  }

  @Test
  void unknownRootIsRejectedWithTheValidIds() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run("nope", 1));
    assertTrue(e.getMessage().contains("bgp-core"), e.getMessage());
  }

  @Test
  void incidentUpdatesAreOrderedAndPlacedAsDeclared() {
    OutageSimulation sim = run("bgp-core", 42);
    List<IncidentTimeline.Update> updates = IncidentTimeline.updates(sim, 42);
    assertEquals(List.of("investigating", "identified", "monitoring", "resolved"),
        updates.stream().map(IncidentTimeline.Update::status).toList());
    long inv = updates.get(0).at() - T0;
    long ident = updates.get(1).at() - T0;
    assertTrue(inv >= 15 * 60 && inv <= 25 * 60, "investigating " + inv);
    assertTrue(ident >= 2 * 3600 && ident <= 3 * 3600, "identified " + ident);
    assertEquals(sim.rootRecovery(), updates.get(2).at());
    long resolvedAfterEnd = updates.get(3).at() - sim.end();
    assertTrue(resolvedAfterEnd >= 25 * 60 && resolvedAfterEnd <= 35 * 60);

    // A short outage: identified midway, still in order.
    OutageSimulation short30 = OutageSimulation.run(GRAPH, "bgp-core", T0, 30 * 60, 42);
    List<IncidentTimeline.Update> s = IncidentTimeline.updates(short30, 42);
    assertEquals(T0 + 15 * 60, s.get(1).at());
    for (int i = 1; i < s.size(); i++) {
      assertTrue(s.get(i).at() >= s.get(i - 1).at());
    }
  }
}
