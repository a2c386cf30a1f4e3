package com.outageimpact.generate;

import com.outageimpact.Published;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.outageimpact.SparkTestSession;
import com.outageimpact.cascade.Cascade;
import com.outageimpact.cascade.ObservedService;
import com.outageimpact.cascade.RootCauseRanking;
import com.outageimpact.cascade.RootCauseRanking.Candidate;
import com.outageimpact.graph.GraphLoader;
import com.outageimpact.graph.ServiceGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;

/**
 * Root-cause accuracy at 1 (the top candidate is the true root), for docs/cascade.md and closing
 * notes (not a test: it prints figures). Two sets of scenarios:
 *
 * <ol>
 *   <li>PenLight scenarios already generated and run by {@code DetectionEvaluation} (its work
 *       dir): the observed services are the detect job's real windows from the reports.
 *   <li>Random graphs: the generator's own failure simulation (independent of the product's
 *       cascade) gives what truly broke; users' view of it is drawn around that, as the report
 *       model and detection behave (a sparse service missed now and then, peak ratios of tens
 *       for down services and a few for degraded ones, onsets a few minutes late, noisy).
 * </ol>
 *
 * A miss where the top candidate predicts exactly what the true root predicts is counted apart:
 * no report can tell those two apart (a chain of internal components with one dependent each).
 *
 * <p>Usage: {@code RootCauseEvaluation <DetectionEvaluation work dir> <random graphs> <roots per graph>}.
 */
public final class RootCauseEvaluation {

  /** Share of impaired services the reports miss (PenLight's detection missed none of 80; this is a stress). */
  static double MISSED = Double.parseDouble(System.getProperty("missed", "0.05"));

  private int scenarios;
  private int hits;
  private int indistinguishable;
  private final List<String> misses = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    RootCauseEvaluation penlight = new RootCauseEvaluation();
    penlight.penlightScenarios(Path.of(args[0]));
    penlight.print("PenLight scenarios, windows detected from reports");
    RootCauseEvaluation random = new RootCauseEvaluation();
    random.randomGraphs(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
    random.print("random graphs, simulated observation");
    SparkTestSession.get().stop();
  }

  private void penlightScenarios(Path work) throws Exception {
    List<Path> dirs;
    try (Stream<Path> list = Files.list(work)) {
      dirs = list.filter(d -> Files.exists(d.resolve("out/manifest.json"))).sorted().toList();
    }
    for (Path dir : dirs) {
      JsonNode truth = new ObjectMapper().readTree(dir.resolve("data/truth/truth.json").toFile());
      ServiceGraph graph = GraphLoader.parse(new ObjectMapper().readTree(dir.resolve("data/graph.json").toFile()),
          "graph.json");
      List<Row> windows = SparkTestSession.get().read().parquet(Published.table(dir.resolve("out"), "outage_windows"))
          .collectAsList();
      boolean across = windows.stream().anyMatch(r -> "ALL".equals(r.getAs("region")));
      Map<String, ObservedService> observed = new LinkedHashMap<>();
      for (Row r : windows) {
        if (across != "ALL".equals(r.getAs("region"))) {
          continue;
        }
        String service = r.getAs("service");
        ObservedService o = new ObservedService(service, ((java.sql.Timestamp) r.getAs("start")).toInstant(),
            ((java.sql.Timestamp) r.getAs("end")).toInstant(), r.getAs("peak_ratio"));
        observed.merge(service, o, (a, b) -> a.peakRatio() >= b.peakRatio() ? a : b);
      }
      score(dir.getFileName().toString(), graph, truth.get("parameters").get("root").asText(), observed);
    }
  }

  private void randomGraphs(int graphs, int rootsPerGraph) throws Exception {
    for (int g = 0; g < graphs; g++) {
      SplittableRandom rng = new SplittableRandom(1_000 + g);
      PenLightGraph template = RandomGraphs.platform(rng);
      ServiceGraph graph = GraphLoader.parse(new ObjectMapper().valueToTree(template.toJson()), "random-" + g);
      Cascade cascade = new Cascade(graph);
      List<String> roots = new ArrayList<>();
      for (String id : graph.componentIds()) {
        boolean[] reachesService = {false};
        cascade.visitImpaired(List.of(id), (c, s) -> reachesService[0] |= graph.components().get(c).userFacing());
        if (reachesService[0]) {
          roots.add(id);
        }
      }
      for (int k = 0; k < rootsPerGraph; k++) {
        String root = roots.get(rng.nextInt(roots.size()));
        long t0 = Instant.parse("2021-10-04T15:39:00Z").getEpochSecond();
        OutageSimulation sim = OutageSimulation.run(template, root, t0, 60L * (30 + rng.nextInt(600)), rng.nextLong());
        Map<String, ObservedService> observed = new LinkedHashMap<>();
        for (OutageSimulation.Outcome o : sim.outcomes()) {
          if (!"service".equals(o.kind()) || o.state() == OutageSimulation.State.UP || rng.nextDouble() < MISSED) {
            continue;
          }
          double peak = Rng.uniform(rng, 20, 100);
          double ratio = o.state() == OutageSimulation.State.DOWN
              ? peak * Rng.uniform(rng, 0.5, 1.1) : (3 + 0.08 * peak) * Rng.uniform(rng, 0.6, 1.8);
          long onset = o.impactStart() + 120 + rng.nextLong(181) + (long) (rng.nextGaussian() * 180);
          observed.put(o.id(), new ObservedService(o.id(), Instant.ofEpochSecond(onset),
              Instant.ofEpochSecond(o.impactEnd()), ratio));
        }
        if (!observed.isEmpty()) {
          score("graph " + g + " (" + graph.components().size() + " components)", graph, root, observed);
        }
      }
    }
  }

  private void score(String scenario, ServiceGraph graph, String root, Map<String, ObservedService> observed) {
    List<Candidate> ranked = new RootCauseRanking(graph, new Cascade(graph)).rank(observed, null);
    scenarios++;
    Candidate top = ranked.isEmpty() ? null : ranked.get(0);
    if (top != null && top.component().equals(root)) {
      hits++;
      return;
    }
    boolean twin = ranked.stream().anyMatch(c -> c.component().equals(root) && c.indistinguishableFromTop());
    indistinguishable += twin ? 1 : 0;
    Candidate truth = ranked.stream().filter(c -> c.component().equals(root)).findFirst().orElse(null);
    misses.add(String.format(Locale.ROOT, "%s: root %s, top %s (%.3f)%s; true root rank %s score %s%s",
        scenario, root, top == null ? "none" : top.component(), top == null ? 0 : top.score(),
        twin ? " predicts the same" : "", truth == null ? "-" : truth.rank(),
        truth == null ? "-" : String.format(Locale.ROOT, "%.3f", truth.score()),
        truth == null || twin ? "" : ", predicted but not seen " + truth.predictedNotSeen()
            + ", seen but not predicted "
            + truth.unexplained()));
  }

  private void print(String title) {
    System.out.printf(Locale.ROOT, "%n%s: %d scenarios, AC@1 %.3f (%d); misses where the top candidate predicts"
        + " exactly what the true root does: %d, so AC@1 among roots the reports can tell apart %.3f%n",
        title, scenarios, hits / (double) scenarios, hits, indistinguishable,
        (hits + indistinguishable) / (double) scenarios);
    misses.forEach(m -> System.out.println("  " + m));
  }
}
