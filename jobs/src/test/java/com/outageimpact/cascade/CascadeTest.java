package com.outageimpact.cascade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.outageimpact.cascade.Cascade.Outcome;
import com.outageimpact.cascade.Cascade.State;
import com.outageimpact.graph.ServiceGraph;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The contract's graph semantics on small graphs, and on two graphs modelled on public post-mortems. */
class CascadeTest {

  private static Map<String, State> states(Map<String, Outcome> outcomes) {
    Map<String, State> states = new LinkedHashMap<>();
    outcomes.forEach((id, o) -> states.put(id, o.state()));
    return states;
  }

  private static void assertStates(Map<String, Outcome> outcomes, String expected) {
    Map<String, State> want = new LinkedHashMap<>();
    for (String pair : expected.split(" ")) {
      String[] kv = pair.split("=");
      want.put(kv[0], State.valueOf(kv[1].toUpperCase()));
    }
    Map<String, State> got = states(outcomes);
    got.keySet().retainAll(want.keySet());
    assertEquals(want.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList(),
        got.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList());
  }

  @Test
  void aChainGoesDownLinkByLinkWithItsPath() throws Exception {
    ServiceGraph g = TestGraphs.graph("a,b", "b>a:hard", "c>b:hard", "d>c:hard", "e>x:hard");
    Map<String, Outcome> o = Cascade.resolve(g, List.of("a"));
    assertStates(o, "a=down b=down c=down d=down e=up x=up");
    assertEquals(List.of("a", "b", "c", "d"), o.get("d").path());
    assertEquals(List.of(), o.get("e").path());
  }

  @Test
  void softEdgesDegradeAndDegradationSpreadsOnlyAsDegradation() throws Exception {
    ServiceGraph g = TestGraphs.graph("a", "b>a:soft", "c>b:hard", "d>b:soft", "e>c:hard");
    assertStates(Cascade.resolve(g, List.of("a")), "a=down b=degraded c=degraded d=degraded e=degraded");
  }

  @Test
  void aDiamondTakesTheWorstAndTheShortestPath() throws Exception {
    ServiceGraph g = TestGraphs.graph("a,b,c", "b>a:hard", "c>a:soft", "d>c:soft", "d>b:hard", "e>b:hard", "e>d:soft");
    Map<String, Outcome> o = Cascade.resolve(g, List.of("a"));
    assertStates(o, "a=down b=down c=degraded d=down e=down");
    assertEquals(List.of("a", "b", "d"), o.get("d").path());
    assertEquals(List.of("a", "b", "e"), o.get("e").path());
  }

  @Test
  void aRedundancyGroupHoldsWhileEnoughMembersAreUp() throws Exception {
    ServiceGraph g = TestGraphs.graph("east,west,north", "s>east:hard:dcs:2", "s>west:hard:dcs:2", "s>north:hard:dcs:2",
        "t>east:hard:pair:1", "t>west:hard:pair:1");
    assertStates(Cascade.resolve(g, List.of("east")), "s=up t=up");
    assertStates(Cascade.resolve(g, List.of("east", "west")), "s=down t=down");
  }

  @Test
  void membersBehindOneFailedUpstreamAreNotRedundant() throws Exception {
    // Two DNS sites behind one backbone: common cause takes both, and with them the group.
    ServiceGraph g = TestGraphs.graph("backbone,dns-a,dns-b,other",
        "dns-a>backbone:hard", "dns-b>backbone:hard", "web>dns-a:hard:dns:1", "web>dns-b:hard:dns:1",
        "api>dns-a:hard:dns2:1", "api>other:hard:dns2:1");
    Map<String, Outcome> o = Cascade.resolve(g, List.of("backbone"));
    assertStates(o, "dns-a=down dns-b=down web=down api=up");
    assertEquals(List.of("backbone", "dns-a", "web"), o.get("web").path());
  }

  @Test
  void aSoftGroupDegradesItsDependent() throws Exception {
    ServiceGraph g = TestGraphs.graph("c1,c2", "s>c1:soft:caches:1", "s>c2:soft:caches:1");
    assertStates(Cascade.resolve(g, List.of("c1", "c2")), "s=degraded");
  }

  @Test
  void aGroupOfDegradedMembersDegradesItsDependentAsOneDependency() throws Exception {
    // Both sites work with loss (their caches are gone): storage still works, with loss.
    ServiceGraph g = TestGraphs.graph("cache,east,west", "east>cache:soft", "west>cache:soft",
        "storage>east:hard:dcs:1", "storage>west:hard:dcs:1", "app>east:soft:pair:2", "app>west:soft:pair:2");
    Map<String, Outcome> o = Cascade.resolve(g, List.of("cache"));
    assertStates(o, "east=degraded west=degraded storage=degraded app=degraded");
    assertEquals(List.of("cache", "east", "storage"), o.get("storage").path());
    // One site down, the other fully up: the group holds for storage (min_up 1), not for app (2).
    assertStates(Cascade.resolve(g, List.of("east")), "storage=up app=degraded");
  }

  @Test
  void disconnectedPartsAreUntouched() throws Exception {
    ServiceGraph g = TestGraphs.graph("a,p", "b>a:hard", "q>p:hard");
    assertStates(Cascade.resolve(g, List.of("a")), "a=down b=down p=up q=up");
  }

  @Test
  void anUnknownRootIsAnError() throws Exception {
    ServiceGraph g = TestGraphs.graph("a", "b>a:hard");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cascade.resolve(g, List.of("nope")));
    assertEquals("root component 'nope' is not in the graph", e.getMessage());
  }

  /**
   * Modelled on Facebook, 4 Oct 2021: a backbone maintenance command cut the data centres off;
   * DNS servers that cannot reach them withdraw their own routes (BGP), so every service became
   * unreachable, and so did the internal tools needed to fix it.
   */
  @Test
  void facebook2021LikeBackboneChangeTakesEverythingDown() throws Exception {
    ServiceGraph g = TestGraphs.graph("backbone,dc-1,dc-2,bgp-anycast,dns,edge,internal-tools",
        "dc-1>backbone:hard", "dc-2>backbone:hard",
        "dns>dc-1:hard:dcs:1", "dns>dc-2:hard:dcs:1",
        "bgp-anycast>dns:hard",
        "edge>bgp-anycast:hard",
        "internal-tools>dns:hard",
        "messaging>edge:hard", "video>edge:hard", "photos>edge:hard", "games>messaging:soft", "games>edge:hard");
    Map<String, Outcome> o = Cascade.resolve(g, List.of("backbone"));
    assertStates(o, "dc-1=down dc-2=down dns=down bgp-anycast=down edge=down internal-tools=down"
        + " messaging=down video=down photos=down games=down");
    assertEquals(List.of("backbone", "dc-1", "dns", "bgp-anycast", "edge", "messaging"), o.get("messaging").path());
  }

  /**
   * Modelled on AWS us-east-1, 7 Dec 2021: congestion on the internal network took down the
   * control plane (monitoring, APIs, launching instances); instances already running on the main
   * network kept serving, and services that needed the control plane to scale were degraded.
   */
  @Test
  void aws2021LikeInternalNetworkTakesTheControlPlaneButNotTheRunningDataPlane() throws Exception {
    ServiceGraph g = TestGraphs.graph("internal-network,main-network,control-plane,monitoring,ec2-api,ec2-running",
        "control-plane>internal-network:hard", "monitoring>internal-network:hard",
        "ec2-api>control-plane:hard", "ec2-running>main-network:hard",
        "web-app>ec2-running:hard", "web-app>ec2-api:soft",
        "console>ec2-api:hard", "batch>ec2-running:hard");
    Map<String, Outcome> o = Cascade.resolve(g, List.of("internal-network"));
    assertStates(o, "control-plane=down monitoring=down ec2-api=down console=down ec2-running=up"
        + " main-network=up web-app=degraded batch=up");
    assertEquals(Arrays.asList("internal-network", "control-plane", "ec2-api", "web-app"), o.get("web-app").path());
  }
}
