package com.outageimpact.generate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What the operator declares, Statuspage-style: investigating 15-25 minutes in, identified 2-3 hours
 * in (midway for short outages), monitoring when the root recovers, resolved about half an hour
 * after the last component recovers.
 */
final class IncidentTimeline {

  record Update(long at, String status) {}

  private IncidentTimeline() {}

  static String incidentId(long start) {
    return "penlight-" + Iso.date(start);
  }

  static List<Update> updates(OutageSimulation sim, long seed) {
    SplittableRandom rng = Rng.rng(seed, Rng.tag("incident"));
    long t0 = sim.start();
    long duration = sim.rootRecovery() - t0;
    long investigating = t0 + Math.min(60L * (15 + rng.nextInt(11)), (long) (0.3 * duration));
    long identified = duration >= 4 * 3600
        ? t0 + 60L * (120 + rng.nextInt(61))
        : t0 + duration / 2;
    identified = Math.max(identified, investigating);
    long monitoring = sim.rootRecovery();
    long resolved = sim.end() + 60L * (25 + rng.nextInt(11));
    List<Update> out = new ArrayList<>();
    out.add(new Update(investigating, "investigating"));
    out.add(new Update(identified, "identified"));
    out.add(new Update(monitoring, "monitoring"));
    out.add(new Update(resolved, "resolved"));
    return out;
  }

  static Map<String, Object> json(String id, String root, List<Update> updates) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("id", id);
    doc.put("root_component", root);
    List<Map<String, Object>> list = new ArrayList<>();
    for (Update u : updates) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", Iso.utc(u.at()));
      m.put("status", u.status());
      list.add(m);
    }
    doc.put("updates", list);
    return doc;
  }
}
