package com.outageimpact.cascade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.outageimpact.graph.GraphLoader;
import com.outageimpact.graph.ServiceGraph;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How long a large dependency graph takes to validate, to cascade from every component in turn,
 * to rank root causes and to rank every component's exposure. Prints figures; asserts nothing.
 *
 * <p>Usage: {@code GraphScaleBenchmark [components] [seed]} (default 10000). The graph is layered
 * like a platform: infrastructure at the bottom, services on top, about three needs each, one
 * in ten of them soft, and one component in twenty with a redundancy pair.
 */
public final class GraphScaleBenchmark {

  private GraphScaleBenchmark() {}

  static JsonNode layeredGraph(int size, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    ArrayNode components = root.putArray("components");
    ArrayNode dependencies = root.putArray("dependencies");
    int services = size / 10;
    for (int i = 0; i < size; i++) {
      components.addObject().put("id", "c" + i).put("name", "Component " + i)
          .put("kind", i >= size - services ? "service" : "infrastructure");
    }
    for (int i = 1; i < size; i++) {
      // Needs point to lower indices only, mostly nearby layers: acyclic by construction.
      int needs = 1 + rng.nextInt(Math.min(i, 4));
      java.util.Set<Integer> chosen = new java.util.TreeSet<>();
      while (chosen.size() < needs) {
        chosen.add(Math.max(0, i - 1 - (int) Math.abs(rng.nextGaussian() * Math.min(i, 300))));
      }
      boolean pair = chosen.size() >= 2 && rng.nextInt(20) == 0;
      int k = 0;
      for (int to : chosen) {
        ObjectNode d = dependencies.addObject().put("from", "c" + i).put("to", "c" + to)
            .put("type", !pair && rng.nextInt(10) == 0 ? "soft" : "hard");
        if (pair && k++ < 2) {
          d.put("group", "g" + i).put("min_up", 1);
        }
      }
    }
    return root;
  }

  public static void main(String[] args) {
    int size = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
    JsonNode json = layeredGraph(size, seed);
    long t0 = System.nanoTime();
    ServiceGraph graph = GraphLoader.parse(json, "generated");
    long t1 = System.nanoTime();
    Cascade cascade = new Cascade(graph);
    long t2 = System.nanoTime();
    long[] impaired = new long[2]; // components, services
    for (String root : graph.componentIds()) {
      cascade.visitImpaired(List.of(root), (id, state) -> {
        impaired[0]++;
        if (graph.components().get(id).userFacing()) {
          impaired[1]++;
        }
      });
    }
    long t3 = System.nanoTime();
    System.out.printf(Locale.ROOT, "%d components, %d dependencies%n", graph.componentIds().size(),
        graph.dependencies().size());
    System.out.printf(Locale.ROOT, "validate: %.2f s; index: %.2f s; cascade from every component: %.2f s"
        + " (mean %.0f impaired components, %.0f services, per root)%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9,
        (t3 - t2) / 1e9, impaired[0] / (double) size, impaired[1] / (double) size);
    // Rank root causes for what one failure deep in the graph would show users.
    String failed = graph.componentIds().get(size / 3);
    java.util.Map<String, ObservedService> observed = new java.util.LinkedHashMap<>();
    java.time.Instant at = java.time.Instant.parse("2021-10-04T15:40:00Z");
    cascade.visitImpaired(List.of(failed), (id, state) -> {
      if (graph.components().get(id).userFacing()) {
        observed.put(id, new ObservedService(id, at, at.plusSeconds(7200), state == Cascade.State.DOWN ? 50 : 5));
      }
    });
    long footprintsStart = System.nanoTime();
    Footprints footprints = new Footprints(graph, cascade);
    long footprintsEnd = System.nanoTime();
    List<RootCauseRanking.Candidate> ranked = new RootCauseRanking(graph, footprints).rank(observed, null);
    long t4 = System.nanoTime();
    System.out.printf(Locale.ROOT, "footprints of every component (shared by both rankings): %.2f s%n",
        (footprintsEnd - footprintsStart) / 1e9);
    System.out.printf(Locale.ROOT, "rank root causes of %s's failure (%d services observed): %.2f s, top %s%n",
        failed, observed.size(), (t4 - footprintsEnd) / 1e9, ranked.get(0).component());
    // Exposure with 100,000 businesses on one to three services each.
    List<String> serviceIds = graph.serviceIds();
    java.util.List<NormalRates.Stream> streams = new java.util.ArrayList<>();
    SplittableRandom rng = new SplittableRandom(seed);
    for (int b = 0; b < 100_000; b++) {
      int n = 1 + rng.nextInt(3);
      for (int k = 0; k < n; k++) {
        streams.add(new NormalRates.Stream("b" + b, "sector-" + (b % 12), b % 50 == 0,
            serviceIds.get(rng.nextInt(serviceIds.size())), 10, 10 * n));
      }
    }
    List<ComponentExposure.Exposure> exposure = ComponentExposure.rank(graph, footprints, streams);
    long t5 = System.nanoTime();
    System.out.printf(Locale.ROOT, "exposure of every component over %d streams: %.2f s, top %s (%d businesses)%n",
        streams.size(), (t5 - t4) / 1e9, exposure.get(0).component(), exposure.get(0).businesses());
  }
}
