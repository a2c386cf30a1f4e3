package com.outageimpact.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.outageimpact.cascade.Cascade;
import com.outageimpact.graph.GraphLoader;
import com.outageimpact.graph.ServiceGraph;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The product's cascade and the generator's failure simulation are written apart (so that the
 * truth is not the product checking itself); on random platform graphs, from every root, they
 * must agree on every component's state and on the length of its path from the root.
 */
class CascadeAgreementTest {

  @Test
  void productCascadeAgreesWithTheGeneratorsSimulationOnRandomGraphs() throws Exception {
    long t0 = Instant.parse("2021-10-04T15:39:00Z").getEpochSecond();
    int checked = 0;
    for (int g = 0; g < 60; g++) {
      PenLightGraph template = RandomGraphs.platform(new SplittableRandom(5_000 + g));
      ServiceGraph graph = GraphLoader.parse(new ObjectMapper().valueToTree(template.toJson()), "random-" + g);
      Cascade cascade = new Cascade(graph);
      for (String root : graph.componentIds()) {
        OutageSimulation sim = OutageSimulation.run(template, root, t0, 3600, g);
        Map<String, Cascade.Outcome> predicted = cascade.resolve(List.of(root));
        for (OutageSimulation.Outcome o : sim.outcomes()) {
          Cascade.Outcome p = predicted.get(o.id());
          String where = String.format(Locale.ROOT, "graph %d, root %s, component %s, needs %s", g, root, o.id(),
              template.dependenciesOf(o.id()));
          assertEquals(o.state().name(), p.state().name(), where);
          assertEquals(o.path() == null ? 0 : o.path().size(), p.path().size(), where);
          checked++;
        }
      }
    }
    assertEquals(true, checked > 10_000, "components checked: " + checked);
  }
}
