package com.outageimpact.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.outageimpact.DetectJob;
import com.outageimpact.SparkTestSession;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Detection on real, labelled count series (not a test: it prints figures). Each
 * {@code timestamp,value} file (timestamps without a zone, read as UTC; one row per 5 minutes)
 * becomes a service of its own: {@code value} contract reports per row, their times spread evenly
 * over the row's 5 minutes, one region. The {@code detect} job runs on all of them, and its
 * across-regions windows (region {@code ALL}, start to drain end) are scored per event against
 * the labelled windows: a label is found when a window overlaps it; a window that overlaps no
 * label is a false alarm. Precision is found labels over found labels plus false alarms (so a
 * label split into several windows does not count several times); recall is found labels over
 * labels; false alarms are also given per series-week (the weeks each series spans).
 *
 * <p>Usage: {@code CountSeriesEvaluation <work dir> <labels.json> <series csv>... [-- <detect options>]};
 * e.g. {@code /tmp/nab ../shared/data/nab/labels.json ../shared/data/nab/realTweets/*.csv}. The
 * labels are looked up by the file's parent folder and name ({@code realTweets/x.csv}), as in NAB.
 * With {@code --scanner} as first argument, the series are scanned in plain Java by
 * {@link SeriesScanner} alone (one pass, no incidents): a quick check while changing it.
 */
public final class CountSeriesEvaluation {

  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]");
  private static final long ROW_SECONDS = 300;
  private static final String REGION = "US";

  private CountSeriesEvaluation() {}

  /** One count series: its label key, service name, row times and counts. */
  record Series(String key, String service, Instant[] times, long[] values) {
    double weeks() {
      return (times[times.length - 1].getEpochSecond() + ROW_SECONDS - times[0].getEpochSecond()) / (7 * 86400.0);
    }
  }

  /** A detected window of one series: [start, end). */
  record Detected(String service, Instant start, Instant end) {}

  public static void main(String[] args) throws Exception {
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    boolean scannerOnly = rest.remove("--scanner");
    List<String> detectOptions = new ArrayList<>();
    int dash = rest.indexOf("--");
    if (dash >= 0) {
      detectOptions.addAll(rest.subList(dash + 1, rest.size()));
      rest = new ArrayList<>(rest.subList(0, dash));
    }
    Path work = Path.of(rest.get(0));
    JsonNode labels = new ObjectMapper().readTree(Path.of(rest.get(1)).toFile());
    List<Series> series = new ArrayList<>();
    for (String file : rest.subList(2, rest.size())) {
      series.add(read(Path.of(file)));
    }
    List<Detected> detected = scannerOnly ? scan(series, detectOptions) : detect(work, series, detectOptions);
    score(series, labels, detected);
    if (!scannerOnly) {
      SparkTestSession.get().stop();
    }
  }

  static Series read(Path file) throws IOException {
    List<Instant> times = new ArrayList<>();
    List<Long> values = new ArrayList<>();
    try (Stream<String> lines = Files.lines(file)) {
      Iterator<String> it = lines.iterator();
      it.next(); // header
      while (it.hasNext()) {
        String[] f = it.next().split(",");
        times.add(LocalDateTime.parse(f[0].trim(), LOCAL).toInstant(ZoneOffset.UTC));
        values.add(Math.round(Double.parseDouble(f[1].trim())));
      }
    }
    String name = file.getFileName().toString();
    String service = name.replaceFirst("\\.csv$", "").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    return new Series(file.getParent().getFileName() + "/" + name, service, times.toArray(Instant[]::new),
        values.stream().mapToLong(Long::longValue).toArray());
  }

  /** The time of report {@code j} of {@code n} in the row starting at {@code t}: spread evenly over its 5 minutes. */
  private static Instant reportTime(Instant t, int j, long n) {
    return t.plusMillis((long) ((j + 0.5) * ROW_SECONDS * 1000 / n));
  }

  /** Writes the series as contract reports (once; reused) and runs the detect job on them. */
  static List<Detected> detect(Path work, List<Series> series, List<String> options) throws Exception {
    Path reports = work.resolve("data/reports.csv");
    if (!Files.exists(reports)) {
      Files.createDirectories(reports.getParent());
      Path tmp = reports.resolveSibling("reports.csv.tmp");
      try (BufferedWriter out = Files.newBufferedWriter(tmp)) {
        out.write("report_id,reported_at,service,region\n");
        for (Series s : series) {
          for (int i = 0; i < s.times().length; i++) {
            for (int j = 0; j < s.values()[i]; j++) {
              out.write(s.service() + "-" + i + "-" + j + "," + reportTime(s.times()[i], j, s.values()[i]) + ","
                  + s.service() + "," + REGION + "\n");
            }
          }
        }
      }
      Files.move(tmp, reports);
    }
    List<String> args = new ArrayList<>(List.of("--data", work.resolve("data").toString(),
        "--out", work.resolve("out").toString()));
    args.addAll(options);
    long began = System.nanoTime();
    List<DetectedIncident> incidents = DetectJob.run(SparkTestSession.get(),
        DetectJob.options().parse(args.toArray(String[]::new)));
    System.out.printf(Locale.ROOT, "detect: %d incident(s), %.0f s%n", incidents.size(),
        (System.nanoTime() - began) / 1e9);
    List<Detected> detected = new ArrayList<>();
    for (DetectedIncident incident : incidents) {
      for (OutageWindow w : incident.windows()) {
        if (w.acrossRegions()) {
          detected.add(new Detected(w.service(), w.start(), w.drainEnd()));
        }
      }
    }
    return detected;
  }

  /**
   * The series scanned by {@link SeriesScanner} alone, as {@code detect}'s first pass would (no
   * second pass within incidents; windows impaired for less than the minimum incident length
   * dropped unless they peak at a major ratio, as a one-window incident would be).
   */
  static List<Detected> scan(List<Series> series, List<String> options) {
    DetectionParams params = DetectionParams.from(DetectJob.options().parse(
        Stream.concat(Stream.of("--data", "unused"), options.stream()).toArray(String[]::new)));
    long bucket = params.bucketSeconds();
    List<Detected> detected = new ArrayList<>();
    for (Series s : series) {
      long first = s.times()[0].getEpochSecond() / bucket;
      long last = (s.times()[s.times().length - 1].getEpochSecond() + ROW_SECONDS) / bucket;
      long[] counts = new long[(int) (last - first + 1)];
      for (int i = 0; i < s.times().length; i++) {
        for (int j = 0; j < s.values()[i]; j++) {
          counts[(int) (reportTime(s.times()[i], j, s.values()[i]).getEpochSecond() / bucket - first)]++;
        }
      }
      SeriesScanner.Baseline baseline = SeriesScanner.baseline(counts, params.bucketsPerWeek(),
          params.baselineWeeks(), params.baselineFloor(), params.minDurationBuckets());
      System.out.printf(Locale.ROOT, "%s: dispersion %.2f%n", s.service(), baseline.dispersion());
      for (SeriesScanner.Window w : SeriesScanner.windows(counts, baseline, null, params)) {
        if ((w.end() - w.start()) * params.bucketMinutes() >= params.minIncidentMinutes()
            || w.peakRatio() >= OutageWindow.MAJOR_RATIO) {
          detected.add(new Detected(s.service(), Instant.ofEpochSecond((first + w.start()) * bucket),
              Instant.ofEpochSecond((first + w.drainEnd()) * bucket)));
        }
      }
    }
    return detected;
  }

  static void score(List<Series> series, JsonNode labels, List<Detected> detected) {
    int labelCount = 0;
    int found = 0;
    int falseAlarms = 0;
    int windows = 0;
    double weeks = 0;
    for (Series s : series) {
      weeks += s.weeks();
      List<Instant[]> spans = new ArrayList<>();
      JsonNode node = labels.get(s.key());
      if (node != null) {
        for (JsonNode l : node) {
          spans.add(new Instant[] {LocalDateTime.parse(l.get(0).asText(), LOCAL).toInstant(ZoneOffset.UTC),
              LocalDateTime.parse(l.get(1).asText(), LOCAL).toInstant(ZoneOffset.UTC)});
        }
      }
      List<Detected> mine = detected.stream().filter(d -> d.service().equals(s.service())).toList();
      Map<Instant[], List<Detected>> hits = new LinkedHashMap<>();
      spans.forEach(l -> hits.put(l, new ArrayList<>()));
      System.out.printf(Locale.ROOT, "%s (%s, %.1f weeks): %d window(s), %d label(s)%n", s.key(), s.service(),
          s.weeks(), mine.size(), spans.size());
      for (Detected d : mine) {
        windows++;
        boolean hit = false;
        for (Instant[] l : spans) {
          if (d.start().isBefore(l[1]) && l[0].isBefore(d.end())) {
            hits.get(l).add(d);
            hit = true;
          }
        }
        if (!hit) {
          falseAlarms++;
        }
        System.out.printf(Locale.ROOT, "  window %s .. %s (%.0f min)%s%n", d.start(), d.end(),
            (d.end().getEpochSecond() - d.start().getEpochSecond()) / 60.0, hit ? "  label" : "  FALSE ALARM");
      }
      for (Map.Entry<Instant[], List<Detected>> e : hits.entrySet()) {
        labelCount++;
        if (!e.getValue().isEmpty()) {
          found++;
        }
        System.out.printf(Locale.ROOT, "  label  %s .. %s  %s%n", e.getKey()[0], e.getKey()[1],
            e.getValue().isEmpty() ? "MISSED" : "found");
      }
    }
    double precision = found + falseAlarms == 0 ? 1 : found / (double) (found + falseAlarms);
    double recall = labelCount == 0 ? 1 : found / (double) labelCount;
    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    System.out.printf(Locale.ROOT, "%nlabels found %d of %d; windows %d, false alarms %d (%.2f per series-week,"
        + " %.1f series-weeks)%nprecision %.2f  recall %.2f  F1 %.2f%n", found, labelCount, windows, falseAlarms,
        falseAlarms / weeks, weeks, precision, recall, f1);
  }
}
