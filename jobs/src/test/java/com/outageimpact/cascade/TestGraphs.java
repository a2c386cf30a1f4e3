package com.outageimpact.cascade;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.outageimpact.graph.GraphLoader;
import com.outageimpact.graph.ServiceGraph;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Small graphs for the cascade tests, written as edges. */
final class TestGraphs {

  private TestGraphs() {}

  /** A graph from "from>to:type[:group:minUp]" edges; components are every id named, all services unless listed as infrastructure. */
  static ServiceGraph graph(String infrastructure, String... edges) throws Exception {
    Set<String> infra = Set.of(infrastructure.split(","));
    Map<String, String> components = new LinkedHashMap<>();
    StringBuilder deps = new StringBuilder();
    for (String edge : edges) {
      String[] parts = edge.split("[>:]");
      components.put(parts[0], "");
      components.put(parts[1], "");
      deps.append(deps.length() == 0 ? "" : ",").append("{\"from\":\"").append(parts[0]).append("\",\"to\":\"")
          .append(parts[1]).append("\",\"type\":\"").append(parts[2]).append('"');
      if (parts.length > 3) {
        deps.append(",\"group\":\"").append(parts[3]).append("\",\"min_up\":").append(parts[4]);
      }
      deps.append('}');
    }
    String comps = components.keySet().stream()
        .map(id -> "{\"id\":\"" + id + "\",\"name\":\"" + id + "\",\"kind\":\"" + (infra.contains(id) ? "infrastructure" : "service") + "\"}")
        .collect(Collectors.joining(","));
    return GraphLoader.parse(new ObjectMapper().readTree("{\"components\":[" + comps + "],\"dependencies\":[" + deps + "]}"),
        "graph.json");
  }


  /** The PenLight sample's graph, as the generator writes it. */
  static ServiceGraph penlight() throws Exception {
    return GraphLoader.parse(new ObjectMapper().readTree(
        java.nio.file.Path.of("../data-samples/penlight/graph.json").toFile()), "graph.json");
  }
}
