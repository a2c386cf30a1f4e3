package com.outageimpact.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Grouping windows into incidents, and telling a blip from an incident. */
class DetectedIncidentTest {

  private static final Instant T = Instant.parse("2021-10-03T17:25:00Z");

  private static OutageWindow window(String service, String region, int startMinute, int endMinute, int drainMinute) {
    return new OutageWindow(service, region, T.plusSeconds(60L * startMinute), T.plusSeconds(60L * startMinute),
        T.plusSeconds(60L * endMinute), T.plusSeconds(60L * drainMinute), T.plusSeconds(60L * startMinute + 300),
        40, 8, 6.4);
  }

  /**
   * A blip strong enough to raise the alarm keeps the evidence up for a while after it stops, so
   * its window can span half an hour, drain included; impaired for 5 minutes, it is no incident.
   * (Seed 114 of the impact evaluation: messaging in one region, 17:25 to 17:30, drained to 17:55.)
   */
  @Test
  void aBlipWhoseEvidenceLingersIsNoIncident() {
    assertEquals(List.of(), DetectedIncident.group(List.of(window("messaging", "BR", 0, 5, 30)), null, 20, List.of()));
  }

  /** A spike of tens of times normal is no blip, however short: a blip is a few times normal. */
  @Test
  void aShortSpikeIsAnIncident() {
    OutageWindow w = window("messaging", "ALL", 0, 10, 40);
    OutageWindow spike = new OutageWindow(w.service(), w.region(), w.start(), w.peakAt(), w.end(), w.drainEnd(),
        w.firstAlarmAt(), 400, 8, 25);
    assertEquals(1, DetectedIncident.group(List.of(spike), null, 20, List.of()).size());
    // In one region only, the same spike is a blip: a sparse regional series reaches the ratio on a burst.
    OutageWindow regional = new OutageWindow(w.service(), "IN", w.start(), w.peakAt(), w.end(), w.drainEnd(),
        w.firstAlarmAt(), 31, 1.6, 11);
    assertEquals(List.of(), DetectedIncident.group(List.of(regional), null, 20, List.of()));
  }

  /** A short window of a small service counts within an incident that other windows establish. */
  @Test
  void shortWindowsStayInAnIncidentWithALongOne() {
    List<DetectedIncident> incidents = DetectedIncident.group(List.of(
        window("messaging", "ALL", 0, 30, 120), window("helpdesk", "ALL", 10, 20, 40),
        window("messaging", "BR", 300, 305, 330)), null, 20, List.of());
    assertEquals(1, incidents.size(), incidents.toString());
    assertEquals(2, incidents.get(0).windows().size());
    assertEquals(T, incidents.get(0).start());
  }
}
