package com.outageimpact.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Random platform graphs in the generator's own form, for cross-checks and evaluations. */
final class RandomGraphs {

  private RandomGraphs() {}

  /**
   * A layered platform: a few network roots, internal components each needing one or two earlier
   * ones (now and then a redundant pair), and services needing one to three internal components
   * hard and, sometimes, an earlier service or component soft.
   */
  static PenLightGraph platform(SplittableRandom rng) {
    List<PenLightGraph.Component> components = new ArrayList<>();
    List<PenLightGraph.Dependency> dependencies = new ArrayList<>();
    int roots = 1 + rng.nextInt(3);
    int internal = 5 + rng.nextInt(20);
    int services = 4 + rng.nextInt(12);
    for (int i = 0; i < roots + internal; i++) {
      String id = "infra-" + i;
      components.add(new PenLightGraph.Component(id, id, PenLightGraph.INFRASTRUCTURE));
      if (i < roots) {
        continue;
      }
      if (i >= roots + 2 && rng.nextInt(5) == 0) {
        int a = rng.nextInt(i);
        int b = (a + 1 + rng.nextInt(i - 1)) % i;
        dependencies.add(new PenLightGraph.Dependency(id, "infra-" + a, "hard", "pair", 1));
        dependencies.add(new PenLightGraph.Dependency(id, "infra-" + b, "hard", "pair", 1));
      } else {
        int a = rng.nextInt(i);
        dependencies.add(new PenLightGraph.Dependency(id, "infra-" + a, "hard", null, null));
        int b = rng.nextInt(i);
        if (rng.nextInt(3) == 0 && b != a) {
          dependencies.add(new PenLightGraph.Dependency(id, "infra-" + b, rng.nextInt(3) == 0 ? "soft" : "hard",
              null, null));
        }
      }
    }
    int infra = roots + internal;
    for (int s = 0; s < services; s++) {
      String id = "service-" + s;
      components.add(new PenLightGraph.Component(id, id, PenLightGraph.SERVICE));
      List<String> needs = new ArrayList<>();
      for (int k = 1 + rng.nextInt(3); k > 0; k--) {
        String target = "infra-" + (roots + rng.nextInt(internal));
        if (!needs.contains(target)) {
          needs.add(target);
          dependencies.add(new PenLightGraph.Dependency(id, target, "hard", null, null));
        }
      }
      if (rng.nextInt(3) == 0) {
        String target = s > 0 && rng.nextBoolean() ? "service-" + rng.nextInt(s) : "infra-" + rng.nextInt(infra);
        if (!needs.contains(target)) {
          dependencies.add(new PenLightGraph.Dependency(id, target, "soft", null, null));
        }
      }
    }
    return new PenLightGraph(components, dependencies);
  }

}
