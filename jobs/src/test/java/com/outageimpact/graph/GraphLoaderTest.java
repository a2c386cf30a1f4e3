package com.outageimpact.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.outageimpact.common.InputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphLoaderTest {

  private static final String COMPONENTS = """
      "components": [
        {"id": "bgp-core", "kind": "infrastructure"}, {"id": "dns", "kind": "infrastructure"},
        {"id": "dc-east"}, {"id": "dc-west"}, {"id": "storage", "kind": "service"},
        {"id": "messaging", "kind": "service"}, {"id": "gaming", "kind": "service"}]""";

  private static ServiceGraph parse(String dependencies) throws Exception {
    String json = "{" + COMPONENTS + ", \"dependencies\": [" + dependencies + "]}";
    return GraphLoader.parse(new ObjectMapper().readTree(json), "graph.json");
  }

  private static String error(String dependencies) {
    return assertThrows(InputException.class, () -> parse(dependencies)).getMessage();
  }

  @Test
  void validGraphWithGroupsAndSoftEdgesLoads() throws Exception {
    ServiceGraph graph = parse("""
        {"from": "dns", "to": "bgp-core", "type": "hard"},
        {"from": "storage", "to": "dc-east", "type": "hard", "group": "dcs", "min_up": 1},
        {"from": "storage", "to": "dc-west", "type": "hard", "group": "dcs", "min_up": 1},
        {"from": "messaging", "to": "dns", "type": "hard"},
        {"from": "gaming", "to": "messaging", "type": "soft"}""");
    assertEquals(7, graph.components().size());
    assertEquals(List.of("storage", "messaging", "gaming"), graph.serviceIds());
    assertEquals(ServiceGraph.DependencyType.SOFT, graph.needs("gaming").get(0).type());
    assertEquals(2, graph.needs("storage").size());
  }

  @Test
  void unknownIdsAreNamed() {
    String message = error("""
        {"from": "dns", "to": "bgp-cor", "type": "hard"},
        {"from": "fax", "to": "dns", "type": "hard"}""");
    assertTrue(message.contains("unknown component id 'bgp-cor'"), message);
    assertTrue(message.contains("unknown component id 'fax'"), message);
    assertTrue(message.contains("graph.json"), message);
  }

  @Test
  void selfEdgeIsNamed() {
    String message = error("{\"from\": \"dns\", \"to\": \"dns\", \"type\": \"hard\"}");
    assertTrue(message.contains("self-edge on 'dns'"), message);
  }

  @Test
  void cycleIsNamedInOrder() {
    String message = error("""
        {"from": "dns", "to": "bgp-core", "type": "hard"},
        {"from": "bgp-core", "to": "messaging", "type": "hard"},
        {"from": "messaging", "to": "dns", "type": "soft"},
        {"from": "gaming", "to": "messaging", "type": "soft"}""");
    // The cycle may be named from any of its members, but in the order the edges run.
    assertTrue(message.contains("dependency cycle: dns -> bgp-core -> messaging -> dns")
        || message.contains("dependency cycle: bgp-core -> messaging -> dns -> bgp-core")
        || message.contains("dependency cycle: messaging -> dns -> bgp-core -> messaging"), message);
  }

  @Test
  void inconsistentMinUpIsNamed() {
    String message = error("""
        {"from": "storage", "to": "dc-east", "type": "hard", "group": "dcs", "min_up": 1},
        {"from": "storage", "to": "dc-west", "type": "hard", "group": "dcs", "min_up": 2}""");
    assertTrue(message.contains("group 'dcs' of 'storage' has inconsistent min_up [1, 2]"), message);
  }

  @Test
  void minUpLargerThanGroupIsNamed() {
    String message = error("""
        {"from": "storage", "to": "dc-east", "type": "hard", "group": "dcs", "min_up": 3},
        {"from": "storage", "to": "dc-west", "type": "hard", "group": "dcs", "min_up": 3}""");
    assertTrue(message.contains("group 'dcs' of 'storage' has min_up 3 but 2 member(s) [dc-east, dc-west]"), message);
  }

  @Test
  void duplicateIdsAndBadTypesAreReportedTogether() {
    String json = """
        {"components": [{"id": "a"}, {"id": "a"}, {"id": "b"}],
         "dependencies": [{"from": "a", "to": "b", "type": "sometimes"}]}""";
    String message = assertThrows(InputException.class,
        () -> GraphLoader.parse(new ObjectMapper().readTree(json), "g.json")).getMessage();
    assertTrue(message.contains("component id 'a' is declared more than once"), message);
    assertTrue(message.contains("type 'sometimes' is neither hard nor soft"), message);
  }

  @Test
  void longChainResolvesWithoutDeepRecursion() {
    int n = 20_000;
    StringBuilder json = new StringBuilder("{\"components\": [");
    for (int i = 0; i < n; i++) {
      json.append(i == 0 ? "" : ",").append("{\"id\": \"c").append(i).append("\"}");
    }
    json.append("], \"dependencies\": [");
    for (int i = 1; i < n; i++) {
      json.append(i == 1 ? "" : ",").append("{\"from\": \"c").append(i).append("\", \"to\": \"c").append(i - 1).append("\"}");
    }
    json.append(", {\"from\": \"c0\", \"to\": \"c").append(n - 1).append("\"}]}");
    String message = assertThrows(InputException.class,
        () -> GraphLoader.parse(new ObjectMapper().readTree(json.toString()), "chain.json")).getMessage();
    assertTrue(message.contains("dependency cycle: c0 -> c19999 -> c19998"), message.substring(0, 200));
  }
}
