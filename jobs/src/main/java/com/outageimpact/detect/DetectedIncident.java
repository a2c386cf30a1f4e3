package com.outageimpact.detect;

import com.outageimpact.ingest.IncidentDeclaration;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Overlapping outage windows grouped into one event, with the operator's declaration when one
 * matches it, and where it hit. Its id is the declared one, or derived from its start (stable
 * across re-runs on the same data, distinct for incidents that start at different times).
 */
public record DetectedIncident(String id, List<OutageWindow> windows, IncidentDeclaration declaration,
    Footprint footprint) {

  private static final Logger LOG = LoggerFactory.getLogger(DetectedIncident.class);
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);

  /**
   * Groups windows whose spans (start to drain end) overlap, keeps the groups with a window impaired
   * for at least {@code minMinutes} or, across regions, peaking at {@link OutageWindow#MAJOR_RATIO}
   * or more (the others are blips, a few times normal for minutes, logged), and matches the declaration to
   * the group it overlaps most. Each incident's footprint is where its windows are, against
   * {@code knownRegions}, the regions the data has.
   */
  public static List<DetectedIncident> group(List<OutageWindow> windows, IncidentDeclaration declaration,
      int minMinutes, Collection<String> knownRegions) {
    List<OutageWindow> sorted = new ArrayList<>(windows);
    sorted.sort(Comparator.comparing(OutageWindow::start));
    List<List<OutageWindow>> groups = new ArrayList<>();
    Instant groupEnd = null;
    for (OutageWindow window : sorted) {
      if (groupEnd == null || !window.start().isBefore(groupEnd)) {
        groups.add(new ArrayList<>());
        groupEnd = window.drainEnd();
      } else if (window.drainEnd().isAfter(groupEnd)) {
        groupEnd = window.drainEnd();
      }
      groups.get(groups.size() - 1).add(window);
    }
    groups.removeIf(group -> {
      // A spike makes an incident only across regions: one region's sparse series reaches the
      // ratio on a burst of a few dozen reports (a 5-minute burst in one region of an independent
      // scenario, 31 reports against 1.6 expected, was taken for an incident).
      boolean blip = group.stream().allMatch(w -> w.durationMinutes() < minMinutes
          && !(w.spike() && w.acrossRegions()));
      if (blip) {
        LOG.info("Not an incident, no window impaired for {} minutes: {}", minMinutes,
            group.stream().map(w -> w.service() + "/" + w.region() + " " + w.start() + " to " + w.end()).toList());
      }
      return blip;
    });
    int declaredGroup = -1;
    if (declaration != null && !declaration.updates().isEmpty()) {
      Instant from = declaration.updates().get(0).at().minus(Duration.ofHours(2));
      Instant to = declaration.firstAt("resolved").orElse(declaration.updates().get(declaration.updates().size() - 1).at());
      long best = 0;
      for (int i = 0; i < groups.size(); i++) {
        long overlap = overlapSeconds(groups.get(i), from, to);
        if (overlap > best) {
          best = overlap;
          declaredGroup = i;
        }
      }
    }
    List<DetectedIncident> incidents = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      List<OutageWindow> group = groups.get(i);
      Instant start = group.stream().map(OutageWindow::start).min(Comparator.naturalOrder()).orElseThrow();
      boolean declared = i == declaredGroup;
      Footprint footprint = new Footprint(new TreeSet<>(group.stream().map(OutageWindow::region).toList()),
          new TreeSet<>(), new TreeSet<>(knownRegions));
      incidents.add(new DetectedIncident(declared ? declaration.id() : "incident-" + ID_TIME.format(start),
          List.copyOf(group), declared ? declaration : null, footprint));
    }
    return incidents;
  }

  private static long overlapSeconds(List<OutageWindow> group, Instant from, Instant to) {
    Instant start = group.stream().map(OutageWindow::start).min(Comparator.naturalOrder()).orElseThrow();
    Instant end = group.stream().map(OutageWindow::end).max(Comparator.naturalOrder()).orElseThrow();
    Instant a = start.isAfter(from) ? start : from;
    Instant b = end.isBefore(to) ? end : to;
    return Math.max(0, b.getEpochSecond() - a.getEpochSecond());
  }

  /** The windows that describe the incident as a whole: across regions when there are any, else per region. */
  public List<OutageWindow> headlineWindows() {
    List<OutageWindow> across = windows.stream().filter(OutageWindow::acrossRegions).toList();
    return across.isEmpty() ? windows : across;
  }

  public Instant start() {
    return headlineWindows().stream().map(OutageWindow::start).min(Comparator.naturalOrder()).orElseThrow();
  }

  public Instant end() {
    return headlineWindows().stream().map(OutageWindow::end).max(Comparator.naturalOrder()).orElseThrow();
  }

  /** Where the last window's reports are back near their baseline. */
  public Instant drainEnd() {
    return windows.stream().map(OutageWindow::drainEnd).max(Comparator.naturalOrder()).orElseThrow();
  }

  public Instant firstAlarm() {
    return windows.stream().map(OutageWindow::firstAlarmAt).min(Comparator.naturalOrder()).orElseThrow();
  }

  /** The same incident with its windows refined and its footprint widened (by the transactions). */
  public DetectedIncident with(List<OutageWindow> refinedWindows, Footprint widened) {
    return new DetectedIncident(id, List.copyOf(refinedWindows), declaration, widened);
  }

  public TreeSet<String> services() {
    TreeSet<String> services = new TreeSet<>();
    headlineWindows().forEach(w -> services.add(w.service()));
    return services;
  }

  public Optional<Instant> declared(String status) {
    return declaration == null ? Optional.empty() : declaration.firstAt(status);
  }

  public Optional<Instant> acknowledgedAt() {
    return declaration == null || declaration.updates().isEmpty()
        ? Optional.empty() : Optional.of(declaration.updates().get(0).at());
  }
}
