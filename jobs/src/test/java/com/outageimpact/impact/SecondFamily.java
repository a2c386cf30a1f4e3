package com.outageimpact.impact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A second scenario family for issue #19, written apart from the project's generator (nothing
 * from {@code generate/} is used): plain JDK code that simulates a PenLight-like outage and writes
 * a contract-shaped input folder with its exact truth, for the estimator to be measured on a world
 * it was not designed around.
 *
 * <p>The model. Businesses (sector, region, currency) sell through some of their sector's
 * services; each (business, service) stream is a Poisson process, piecewise constant per UTC hour,
 * at base size × service share × a daily rhythm in the business's local time × a weekday factor,
 * times the switchable features: a lognormal size (σ 0.9), a lognormal business-day level (σ 0.2,
 * new each UTC day), growth of 2% a week. Each transaction has a lognormal ticket (σ 0.6 around the
 * business's mean); 2% are declined. One component of the graph fails; hard dependants go down,
 * soft ones degrade (30% of their transactions lost), each service recovering a few minutes after
 * what it needs. A lost transaction is written as a failed or timeout attempt 60% of the time, and
 * comes back as a new succeeded one half of the time: within 30 minutes of its service's recovery,
 * or (feature) after an exponential delay with mean 90 minutes. Problem reports run per service
 * and region on a daily rhythm and surge while a service is impaired (25× down, 6× degraded),
 * draining over about 20 minutes after it recovers, so that {@code run} finds the outage itself.
 * Other features: a 3-hour degradation (half its transactions lost) of one impaired service 1 to 3
 * weeks before, at the outage's weekday and hours; each business using a random subset of its
 * sector's services; USD, EUR and GBP with fx rates; timestamps written at the region's offset.
 *
 * <p>Common random numbers. The world without the outage is drawn once; the outage world is
 * derived from it transaction by transaction (each carries its own uniforms for loss, attempt and
 * return), so the truth's net loss is exactly what the outage did. The truth is taken over the
 * analysis window as docs/impact.md defines it for the run, [outage start − 30 min, last service
 * recovery + 6 h): per business and sector the counterfactual value (succeeded value without the
 * outage), the actual value, gross loss (value lost), recovered (returns landing in the window)
 * and net loss = counterfactual − actual = gross − recovered; and the counterfactual's noise SD on
 * the hit streams (business × impaired service) over the window, given the hourly rates: Poisson
 * counts with lognormal tickets, Σ λ × E[value²].
 */
public final class SecondFamily {

  /** The switchable features; with none, a plain world. */
  public enum Feature { SIZES, DAY_LEVEL, GROWTH, DEGRADATION, REBOUND, SUBSET, CURRENCIES, OFFSETS }

  /** One scenario: its seed, size, features, and whether the outage happens at all. */
  public record Config(long seed, int businesses, int transactions, EnumSet<Feature> features, boolean outage) {
    boolean on(Feature f) {
      return features.contains(f);
    }
  }

  static final String[] SECTORS = {"retail", "finance", "media", "gaming", "health_care", "logistics", "hospitality"};
  static final double[] SECTOR_TICKET = {40, 250, 15, 20, 90, 120, 70};
  static final String[][] SECTOR_SERVICES = {
      {"payments-api", "messaging", "helpdesk"},
      {"payments-api", "sms-gateway", "messaging"},
      {"video-calls", "cloud-storage", "messaging"},
      {"gaming", "messaging", "payments-api"},
      {"video-calls", "messaging", "sms-gateway"},
      {"messaging", "sms-gateway", "cloud-storage", "status-page"},
      {"messaging", "payments-api", "helpdesk"}};
  static final String[] REGIONS = {"US", "GB", "DE", "BR", "IN", "JP"};
  static final double[] REGION_WEIGHT = {0.3, 0.15, 0.2, 0.1, 0.15, 0.1};
  static final int[] REGION_OFFSET_MINUTES = {-300, 60, 120, -180, 330, 540};
  static final String[] REGION_CURRENCY = {"USD", "GBP", "EUR", "USD", "USD", "EUR"};
  static final Map<String, Double> FX = Map.of("USD", 1.0, "EUR", 1.17, "GBP", 1.34);
  static final String[] ROOTS = {"auth", "dns", "dc-west", "media-relay", "notifications"};
  static final double TICKET_SIGMA = 0.6;
  static final double DECLINED = 0.02;
  static final double DEGRADED_LOSS = 0.3;
  static final double ATTEMPT_WRITTEN = 0.6;
  static final double COMES_BACK = 0.5;
  static final double REBOUND_MEAN_MINUTES = 90;
  static final double QUICK_RETURN_MINUTES = 30;
  static final long HOUR = 3600;
  static final long WEEK = 7 * 24 * HOUR;

  /** A business as drawn. */
  public record Business(String id, int sector, int region, boolean critical, String currency, double size,
      double ticket, String[] services, double[] shares, double[] dayLevels) {}

  /** One transaction of the world without the outage, with its fate in the outage world. */
  public static final class Txn {
    final int business;
    final String service;
    final long at;
    final double amount; // in the business's currency, 2 decimals
    final double value; // amount × rate, in USD
    final boolean declined;
    boolean historyLost; // lost to the earlier degradation, in both worlds
    boolean lost; // lost to the outage (outage world only)
    String attemptStatus; // failed / timeout written for a lost one, or null
    long returnAt = -1; // when a lost one came back as a new succeeded transaction, or -1

    Txn(int business, String service, long at, double amount, double value, boolean declined) {
      this.business = business;
      this.service = service;
      this.at = at;
      this.amount = amount;
      this.value = value;
      this.declined = declined;
    }
  }

  /** A component's state in the outage: {@code down} or {@code degraded}, over [start, end). */
  public record State(String state, long start, long end) {}

  /** The truth per business (index) and its noise variance. */
  public static final class Truth {
    public double counterfactual;
    public double actual;
    public double gross;
    public double recovered;
    public double noiseVar;
    public boolean hit;

    public double net() {
      return counterfactual - actual;
    }
  }

  /** A simulated scenario, in memory. */
  public static final class World {
    public Config config;
    public long dataStart;
    public long dataEnd;
    public long outageStart;
    public long outageEnd; // the last service's recovery
    public long windowStart;
    public long windowEnd;
    public String root;
    public Map<String, State> states = new LinkedHashMap<>();
    public String degradedService; // the earlier degradation's service, or null
    public long degradationStart = -1;
    public List<Business> businesses = new ArrayList<>();
    public List<Txn> txns = new ArrayList<>();
    public Truth[] truth;
    public List<String[]> reports = new ArrayList<>(); // id, instant seconds, service, region, problem

    public boolean impaired(String service) {
      return states.containsKey(service);
    }
  }

  private SecondFamily() {}

  // ---- randomness -------------------------------------------------------------------------

  static SplittableRandom rng(long seed, String purpose, long index) {
    long h = seed * 0x9E3779B97F4A7C15L + purpose.hashCode() * 0xC2B2AE3D27D4EB4FL + index * 0x165667B19E3779F9L;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return new SplittableRandom(h);
  }

  static double normal(SplittableRandom r) {
    double u = Math.max(r.nextDouble(), 1e-300);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  /** A lognormal with mean 1 and log-SD sigma. */
  static double meanOneLognormal(SplittableRandom r, double sigma) {
    return Math.exp(sigma * normal(r) - sigma * sigma / 2);
  }

  static int poisson(SplittableRandom r, double lambda) {
    int n = 0;
    while (lambda > 30) {
      n += poissonSmall(r, 30);
      lambda -= 30;
    }
    return n + poissonSmall(r, lambda);
  }

  private static int poissonSmall(SplittableRandom r, double lambda) {
    double limit = Math.exp(-lambda);
    double p = r.nextDouble();
    int n = 0;
    while (p > limit) {
      p *= r.nextDouble();
      n++;
    }
    return n;
  }

  // ---- rhythm -----------------------------------------------------------------------------

  /** Relative demand at a local hour of the day (0-24). */
  static double dailyRhythm(double localHour) {
    double h = localHour;
    return 0.12 + Math.exp(-0.5 * Math.pow((h - 12.5) / 3.2, 2)) + 0.45 * Math.exp(-0.5 * Math.pow((h - 19.5) / 1.8, 2));
  }

  /** Relative demand on a local day of the week (0 Monday .. 6 Sunday). */
  static double weekdayFactor(int day) {
    return switch (day) {
      case 4 -> 1.05;
      case 5 -> 0.7;
      case 6 -> 0.55;
      default -> 1.0;
    };
  }

  /** The rhythm at the middle of the UTC hour starting at {@code hourStart}, for an offset in minutes. */
  static double rhythm(long hourStart, int offsetMinutes) {
    long local = hourStart + 1800 + offsetMinutes * 60L;
    double hourOfDay = Math.floorMod(local, 86400L) / 3600.0;
    int dayOfWeek = (int) Math.floorMod(Math.floorDiv(local, 86400L) + 3, 7L); // 1970-01-01 was a Thursday
    return dailyRhythm(hourOfDay) * weekdayFactor(dayOfWeek);
  }

  // ---- the graph --------------------------------------------------------------------------

  /** The components' states when {@code root} fails, by the contract's hard/soft/group rules. */
  static Map<String, String> propagate(JsonNode graph, String root) {
    Map<String, String> state = new HashMap<>();
    List<String> ids = new ArrayList<>();
    for (JsonNode c : graph.get("components")) {
      ids.add(c.get("id").asText());
      state.put(c.get("id").asText(), "up");
    }
    state.put(root, "down");
    boolean changed = true;
    while (changed) {
      changed = false;
      for (String id : ids) {
        if (id.equals(root)) {
          continue;
        }
        String s = "up";
        Map<String, int[]> groups = new HashMap<>(); // group -> {members up, min_up}
        Map<String, String> groupWorst = new HashMap<>();
        for (JsonNode d : graph.get("dependencies")) {
          if (!d.get("from").asText().equals(id)) {
            continue;
          }
          String to = state.get(d.get("to").asText());
          boolean hard = "hard".equals(d.get("type").asText());
          if (d.has("group")) {
            String g = d.get("group").asText();
            int[] counts = groups.computeIfAbsent(g, k -> new int[] {0, d.path("min_up").asInt(1)});
            if ("up".equals(to)) {
              counts[0]++;
            }
            groupWorst.put(g, hard ? "down" : "degraded");
            continue;
          }
          s = worse(s, !"up".equals(to) ? (hard ? ("down".equals(to) ? "down" : "degraded") : "degraded") : "up");
        }
        for (Map.Entry<String, int[]> g : groups.entrySet()) {
          if (g.getValue()[0] < g.getValue()[1]) {
            s = worse(s, groupWorst.get(g.getKey()));
          }
        }
        if (!s.equals(state.get(id))) {
          state.put(id, s);
          changed = true;
        }
      }
    }
    return state;
  }

  private static String worse(String a, String b) {
    if ("down".equals(a) || "down".equals(b)) {
      return "down";
    }
    return "degraded".equals(a) || "degraded".equals(b) ? "degraded" : "up";
  }

  static Map<String, List<String>> parents(JsonNode graph) {
    Map<String, List<String>> parents = new HashMap<>();
    for (JsonNode d : graph.get("dependencies")) {
      parents.computeIfAbsent(d.get("from").asText(), k -> new ArrayList<>()).add(d.get("to").asText());
    }
    return parents;
  }

  // ---- simulation -------------------------------------------------------------------------

  public static World simulate(Config config, JsonNode graph) {
    World w = new World();
    w.config = config;
    SplittableRandom plan = rng(config.seed(), "plan", 0);
    // The outage: a weekday and hour in the week of 2021-10-04, 2 to 6 hours, one root.
    long weekStart = Instant.parse("2021-10-04T00:00:00Z").getEpochSecond();
    w.outageStart = weekStart + plan.nextInt(7) * 86400L + (6 * 60 + plan.nextInt(14 * 60)) * 60L;
    long rootMinutes = 120 + 30L * plan.nextInt(9);
    w.root = ROOTS[plan.nextInt(ROOTS.length)];
    Map<String, String> state = propagate(graph, w.root);
    // Times: a component is hit 0-2 minutes after the first of its impaired parents and recovers
    // 2-12 minutes after the last of them (the root after rootMinutes).
    Map<String, List<String>> parents = parents(graph);
    Map<String, long[]> span = new HashMap<>();
    span.put(w.root, new long[] {w.outageStart, w.outageStart + rootMinutes * 60});
    SplittableRandom lags = rng(config.seed(), "lags", 0);
    boolean changed = true;
    while (changed) {
      changed = false;
      for (JsonNode c : graph.get("components")) {
        String id = c.get("id").asText();
        if (span.containsKey(id) || "up".equals(state.get(id))) {
          continue;
        }
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        boolean ready = true;
        for (String p : parents.getOrDefault(id, List.of())) {
          if ("up".equals(state.get(p))) {
            continue;
          }
          long[] ps = span.get(p);
          if (ps == null) {
            ready = false;
            break;
          }
          first = Math.min(first, ps[0]);
          last = Math.max(last, ps[1]);
        }
        if (ready && first != Long.MAX_VALUE) {
          span.put(id, new long[] {first + lags.nextInt(121), last + 120 + lags.nextInt(601)});
          changed = true;
        }
      }
    }
    for (JsonNode c : graph.get("components")) {
      String id = c.get("id").asText();
      if ("service".equals(c.get("kind").asText()) && !"up".equals(state.get(id))) {
        w.states.put(id, new State(state.get(id), span.get(id)[0], span.get(id)[1]));
      }
    }
    if (!config.outage()) {
      w.states.clear();
    }
    w.outageEnd = w.outageStart + rootMinutes * 60;
    for (State s : w.states.values()) {
      w.outageEnd = Math.max(w.outageEnd, s.end());
    }
    w.windowStart = w.outageStart - 1800;
    w.windowEnd = w.outageEnd + 6 * HOUR;
    // Data: from UTC midnight 33 days before the outage to the UTC midnight a day after the window.
    w.dataStart = Math.floorDiv(w.outageStart, 86400L) * 86400L - 33 * 86400L;
    w.dataEnd = (Math.floorDiv(w.windowEnd, 86400L) + 2) * 86400L;
    // The earlier degradation: one impaired service (the plan draws it whether or not it is used).
    List<String> impairedServices = new ArrayList<>(w.states.keySet());
    int pick = plan.nextInt(1000);
    int weeksBack = 1 + plan.nextInt(3);
    if (config.on(Feature.DEGRADATION) && !impairedServices.isEmpty()) {
      w.degradedService = impairedServices.get(pick % impairedServices.size());
      w.degradationStart = w.outageStart - weeksBack * WEEK;
    }
    drawBusinesses(w);
    drawTransactions(w);
    applyOutage(w);
    computeTruth(w);
    drawReports(w, graph);
    return w;
  }

  private static void drawBusinesses(World w) {
    Config c = w.config;
    SplittableRandom r = rng(c.seed(), "businesses", 0);
    int days = (int) ((w.dataEnd - w.dataStart) / 86400);
    for (int i = 0; i < c.businesses(); i++) {
      int sector = r.nextInt(SECTORS.length);
      double u = r.nextDouble();
      int region = 0;
      for (double acc = REGION_WEIGHT[0]; u > acc && region < REGIONS.length - 1; acc += REGION_WEIGHT[++region]) {
        // walk the cumulative weights
      }
      boolean critical = sector == 4 && r.nextDouble() < 0.3;
      double size = meanOneLognormal(r, 0.9);
      double ticket = SECTOR_TICKET[sector] * meanOneLognormal(r, 0.3);
      String[] all = SECTOR_SERVICES[sector];
      double[] weights = new double[all.length];
      boolean[] keep = new boolean[all.length];
      int kept = 0;
      for (int s = 0; s < all.length; s++) {
        weights[s] = 0.3 + r.nextDouble();
        keep[s] = r.nextDouble() < 0.5;
        kept += keep[s] ? 1 : 0;
      }
      int forced = r.nextInt(all.length);
      if (kept == 0) {
        keep[forced] = true;
      }
      List<String> services = new ArrayList<>();
      List<Double> shares = new ArrayList<>();
      double total = 0;
      for (int s = 0; s < all.length; s++) {
        if (!c.on(Feature.SUBSET) || keep[s]) {
          services.add(all[s]);
          shares.add(weights[s]);
          total += weights[s];
        }
      }
      double[] shareArray = new double[services.size()];
      for (int s = 0; s < shareArray.length; s++) {
        shareArray[s] = Math.round(shares.get(s) / total * 100) / 100.0;
      }
      double[] dayLevels = new double[days + 1];
      for (int d = 0; d <= days; d++) {
        dayLevels[d] = meanOneLognormal(r, 0.2);
      }
      w.businesses.add(new Business(String.format(Locale.ROOT, "b%04d", i + 1), sector, region, critical,
          c.on(Feature.CURRENCIES) ? REGION_CURRENCY[region] : "USD", c.on(Feature.SIZES) ? size : 1.0, ticket,
          services.toArray(String[]::new), shareArray, c.on(Feature.DAY_LEVEL) ? dayLevels : null));
    }
  }

  /** The hourly rate of a business's stream through service index s at the hour starting at {@code hour}. */
  static double rate(World w, Business b, int s, long hour, double base) {
    double r = base * b.size() * b.shares()[s] * rhythm(hour, REGION_OFFSET_MINUTES[b.region()]);
    if (w.config.on(Feature.GROWTH)) {
      r *= Math.pow(1.02, (hour - w.dataStart) / (double) WEEK);
    }
    if (b.dayLevels() != null) {
      r *= b.dayLevels()[(int) ((hour - w.dataStart) / 86400)];
    }
    return r;
  }

  /** Transactions per unit of size and share an hour, so that the expected total is the configured one. */
  static double base(World w) {
    double perUnit = 0;
    int[] regionCount = new int[REGIONS.length];
    for (Business b : w.businesses) {
      regionCount[b.region()]++;
    }
    for (int reg = 0; reg < REGIONS.length; reg++) {
      double sum = 0;
      for (long h = w.dataStart; h < w.dataEnd; h += HOUR) {
        sum += rhythm(h, REGION_OFFSET_MINUTES[reg]);
      }
      perUnit += regionCount[reg] * sum;
    }
    double meanSize = w.businesses.stream().mapToDouble(Business::size).average().orElse(1);
    return w.config.transactions() / (perUnit * meanSize);
  }

  private static void drawTransactions(World w) {
    double base = base(w);
    for (int i = 0; i < w.businesses.size(); i++) {
      Business b = w.businesses.get(i);
      SplittableRandom r = rng(w.config.seed(), "transactions", i);
      double rate = FX.get(b.currency());
      for (long h = w.dataStart; h < w.dataEnd; h += HOUR) {
        for (int s = 0; s < b.services().length; s++) {
          int n = poisson(r, rate(w, b, s, h, base));
          for (int k = 0; k < n; k++) {
            long at = h + r.nextInt(3600);
            double usd = b.ticket() * meanOneLognormal(r, TICKET_SIGMA);
            double amount = Math.max(0.01, Math.round(usd / rate * 100) / 100.0);
            boolean declined = r.nextDouble() < DECLINED;
            w.txns.add(new Txn(i, b.services()[s], at, amount, amount * rate, declined));
          }
        }
      }
    }
  }

  /** The fates: the earlier degradation (both worlds) and the outage (outage world only). */
  private static void applyOutage(World w) {
    SplittableRandom r = rng(w.config.seed(), "fates", 0);
    for (Txn t : w.txns) {
      // Every transaction draws its four uniforms, used or not, so fates do not shift with features.
      double uLoss = r.nextDouble();
      double uAttempt = r.nextDouble();
      double uBack = r.nextDouble();
      double uDelay = r.nextDouble();
      if (t.service.equals(w.degradedService) && t.at >= w.degradationStart && t.at < w.degradationStart + 3 * HOUR
          && uLoss < 0.5) {
        t.historyLost = true;
        t.attemptStatus = uAttempt < ATTEMPT_WRITTEN && !t.declined ? (uAttempt < 0.42 ? "failed" : "timeout") : null;
        continue;
      }
      State s = w.states.get(t.service);
      if (s == null || t.at < s.start() || t.at >= s.end()) {
        continue;
      }
      if ("degraded".equals(s.state()) && uLoss >= DEGRADED_LOSS) {
        continue;
      }
      t.lost = true;
      if (t.declined) {
        continue;
      }
      t.attemptStatus = uAttempt < ATTEMPT_WRITTEN ? (uAttempt < 0.42 ? "failed" : "timeout") : null;
      if (uBack < COMES_BACK) {
        double delayMinutes = w.config.on(Feature.REBOUND)
            ? -REBOUND_MEAN_MINUTES * Math.log(1 - uDelay) : QUICK_RETURN_MINUTES * uDelay;
        t.returnAt = s.end() + Math.round(delayMinutes * 60);
      }
    }
  }

  private static boolean inWindow(World w, long at) {
    return at >= w.windowStart && at < w.windowEnd;
  }

  private static void computeTruth(World w) {
    w.truth = new Truth[w.businesses.size()];
    for (int i = 0; i < w.truth.length; i++) {
      w.truth[i] = new Truth();
    }
    for (Txn t : w.txns) {
      if (t.declined || t.historyLost) {
        continue;
      }
      Truth tr = w.truth[t.business];
      if (inWindow(w, t.at)) {
        tr.counterfactual += t.value;
        if (t.lost) {
          tr.gross += t.value;
        } else {
          tr.actual += t.value;
        }
      }
      if (t.returnAt >= 0 && inWindow(w, t.returnAt) && t.returnAt < w.dataEnd) {
        tr.actual += t.value;
        tr.recovered += t.value;
      }
    }
    // Noise: the counterfactual's variance on the hit streams over the window, given the rates.
    double base = base(w);
    for (int i = 0; i < w.businesses.size(); i++) {
      Business b = w.businesses.get(i);
      double meanSquare = b.ticket() * b.ticket() * Math.exp(TICKET_SIGMA * TICKET_SIGMA) * (1 - DECLINED);
      for (int s = 0; s < b.services().length; s++) {
        if (!w.impaired(b.services()[s])) {
          continue;
        }
        w.truth[i].hit = true;
        for (long h = Math.floorDiv(w.windowStart, HOUR) * HOUR; h < w.windowEnd; h += HOUR) {
          long from = Math.max(h, w.windowStart);
          long to = Math.min(h + HOUR, w.windowEnd);
          w.truth[i].noiseVar += rate(w, b, s, h, base) * (to - from) / (double) HOUR * meanSquare;
        }
      }
    }
  }

  // ---- reports ----------------------------------------------------------------------------

  private static void drawReports(World w, JsonNode graph) {
    List<String> services = new ArrayList<>();
    for (JsonNode c : graph.get("components")) {
      if ("service".equals(c.get("kind").asText())) {
        services.add(c.get("id").asText());
      }
    }
    String[] problems = {"login", "messages", "connection", "upload", "total_blackout"};
    long bucket = 300;
    long id = 0;
    for (int si = 0; si < services.size(); si++) {
      String service = services.get(si);
      State s = w.states.get(service);
      SplittableRandom r = rng(w.config.seed(), "reports", si);
      double popularity = 0.25 + 0.5 * r.nextDouble(); // reports a bucket at the daily peak, per region weight 1/6
      for (int reg = 0; reg < REGIONS.length; reg++) {
        double regional = popularity * REGION_WEIGHT[reg] * 6;
        for (long b = w.dataStart; b < w.dataEnd; b += bucket) {
          double lambda = regional * rhythm(Math.floorDiv(b, HOUR) * HOUR, REGION_OFFSET_MINUTES[reg]) / 1.2;
          long mid = b + bucket / 2;
          if (s != null) {
            double surge = "down".equals(s.state()) ? 25 : 6;
            if (mid >= s.start() + 180 && mid < s.end()) {
              lambda *= surge;
            } else if (mid >= s.end()) {
              lambda *= 1 + (surge - 1) * Math.exp(-(mid - s.end()) / 1200.0);
            }
          }
          if (service.equals(w.degradedService) && mid >= w.degradationStart && mid < w.degradationStart + 3 * HOUR) {
            lambda *= 2;
          }
          int n = poisson(r, lambda);
          for (int k = 0; k < n; k++) {
            w.reports.add(new String[] {"r" + Long.toString(id++, 36), Long.toString(b + r.nextInt((int) bucket)),
                service, REGIONS[reg], problems[r.nextInt(problems.length)]});
          }
        }
      }
    }
  }

  // ---- writing ----------------------------------------------------------------------------

  static String timestamp(World w, long epochSecond, int region) {
    Instant at = Instant.ofEpochSecond(epochSecond);
    if (!w.config.on(Feature.OFFSETS) || REGION_OFFSET_MINUTES[region] == 0) {
      return at.toString();
    }
    return OffsetDateTime.ofInstant(at, ZoneOffset.ofTotalSeconds(REGION_OFFSET_MINUTES[region] * 60))
        .truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }

  static String money(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** Simulates and writes the scenario under {@code dir} (inputs, and {@code truth/}); returns the world. */
  public static World write(Path dir, Config config, Path graphJson) throws IOException {
    JsonNode graph = new ObjectMapper().readTree(graphJson.toFile());
    World w = simulate(config, graph);
    Files.createDirectories(dir.resolve("truth"));
    Files.copy(graphJson, dir.resolve("graph.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("businesses.csv"))) {
      out.write("business_id,sector,region,critical,sla_tier,monthly_fee\n");
      for (Business b : w.businesses) {
        out.write(String.join(",", b.id(), SECTORS[b.sector()], REGIONS[b.region()], Boolean.toString(b.critical()),
            "standard", money(50 + 200 * b.size())) + "\n");
      }
    }
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("business_services.csv"))) {
      out.write("business_id,service,share\n");
      for (Business b : w.businesses) {
        for (int s = 0; s < b.services().length; s++) {
          out.write(b.id() + "," + b.services()[s] + "," + b.shares()[s] + "\n");
        }
      }
    }
    Files.writeString(dir.resolve("sla_tiers.csv"),
        "tier,below_availability_pct,credit_pct\nstandard,99.9,10\nstandard,99.0,25\n");
    StringBuilder fx = new StringBuilder("currency,rate_to_reporting\n");
    for (String cur : new String[] {"USD", "EUR", "GBP"}) {
      fx.append(cur).append(',').append(FX.get(cur)).append('\n');
    }
    Files.writeString(dir.resolve("fx_rates.csv"), fx.toString());
    // Transactions, partitioned by UTC date; the outage world's rows.
    Map<LocalDate, List<String>> byDate = new TreeMap<>();
    long id = 0;
    for (Txn t : w.txns) {
      Business b = w.businesses.get(t.business);
      String status = t.declined ? "declined" : "succeeded";
      if (t.lost || t.historyLost) {
        if (t.attemptStatus != null) {
          addTxn(byDate, w, "t" + Long.toString(id, 36) + "-a", b, t.at, t.amount, t.attemptStatus, t.service);
        }
      } else {
        addTxn(byDate, w, "t" + Long.toString(id, 36), b, t.at, t.amount, status, t.service);
      }
      if (t.returnAt >= 0 && t.returnAt < w.dataEnd) {
        addTxn(byDate, w, "t" + Long.toString(id, 36) + "-r", b, t.returnAt, t.amount, "succeeded", t.service);
      }
      id++;
    }
    writePartitions(dir.resolve("transactions"), "txn_id,business_id,occurred_at,amount,currency,status,service",
        byDate);
    Map<LocalDate, List<String>> reports = new TreeMap<>();
    for (String[] rep : w.reports) {
      long at = Long.parseLong(rep[1]);
      int region = Arrays.asList(REGIONS).indexOf(rep[3]);
      reports.computeIfAbsent(LocalDate.ofEpochDay(Math.floorDiv(at, 86400L)), k -> new ArrayList<>())
          .add(String.join(",", rep[0], timestamp(w, at, region), rep[2], rep[3], rep[4]));
    }
    writePartitions(dir.resolve("reports"), "report_id,reported_at,service,region,problem", reports);
    writeTruth(dir.resolve("truth"), w);
    return w;
  }

  private static void addTxn(Map<LocalDate, List<String>> byDate, World w, String id, Business b, long at,
      double amount, String status, String service) {
    byDate.computeIfAbsent(LocalDate.ofEpochDay(Math.floorDiv(at, 86400L)), k -> new ArrayList<>())
        .add(String.join(",", id, b.id(), timestamp(w, at, b.region()), money(amount), b.currency(), status, service));
  }

  private static void writePartitions(Path root, String header, Map<LocalDate, List<String>> rows) throws IOException {
    for (Map.Entry<LocalDate, List<String>> e : rows.entrySet()) {
      Path part = root.resolve("date=" + e.getKey()).resolve("part-00000.csv");
      Files.createDirectories(part.getParent());
      try (BufferedWriter out = Files.newBufferedWriter(part, StandardCharsets.UTF_8)) {
        out.write(header);
        out.write('\n');
        for (String line : e.getValue()) {
          out.write(line);
          out.write('\n');
        }
      }
    }
  }

  /** Per sector: the truth's sums over its businesses (index by sector). */
  public static Truth[] sectorTruth(World w) {
    Truth[] sectors = new Truth[SECTORS.length];
    for (int s = 0; s < sectors.length; s++) {
      sectors[s] = new Truth();
    }
    for (int i = 0; i < w.businesses.size(); i++) {
      Truth b = w.truth[i];
      Truth s = sectors[w.businesses.get(i).sector()];
      s.counterfactual += b.counterfactual;
      s.actual += b.actual;
      s.gross += b.gross;
      s.recovered += b.recovered;
      s.noiseVar += b.noiseVar;
      s.hit |= b.hit;
    }
    return sectors;
  }

  private static void writeTruth(Path dir, World w) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("businesses.csv"))) {
      out.write("business_id,sector,hit,counterfactual_value,actual_value,gross_loss,recovered,net_loss,noise_sd\n");
      for (int i = 0; i < w.businesses.size(); i++) {
        Business b = w.businesses.get(i);
        out.write(row(b.id() + "," + SECTORS[b.sector()], w.truth[i]) + "\n");
      }
    }
    Truth[] sectors = sectorTruth(w);
    Truth total = new Truth();
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("sectors.csv"))) {
      out.write("sector,hit,counterfactual_value,actual_value,gross_loss,recovered,net_loss,noise_sd\n");
      for (int s = 0; s < sectors.length; s++) {
        out.write(row(SECTORS[s], sectors[s]) + "\n");
        total.counterfactual += sectors[s].counterfactual;
        total.actual += sectors[s].actual;
        total.gross += sectors[s].gross;
        total.recovered += sectors[s].recovered;
        total.noiseVar += sectors[s].noiseVar;
      }
    }
    StringBuilder json = new StringBuilder("{\n");
    json.append(String.format(Locale.ROOT, "  \"seed\": %d,%n  \"features\": \"%s\",%n  \"root\": \"%s\",%n",
        w.config.seed(), w.config.features(), w.root));
    json.append(String.format(Locale.ROOT, "  \"outage_start\": \"%s\",%n  \"outage_end\": \"%s\",%n",
        Instant.ofEpochSecond(w.outageStart), Instant.ofEpochSecond(w.outageEnd)));
    json.append(String.format(Locale.ROOT, "  \"window_start\": \"%s\",%n  \"window_end\": \"%s\",%n",
        Instant.ofEpochSecond(w.windowStart), Instant.ofEpochSecond(w.windowEnd)));
    json.append(String.format(Locale.ROOT, "  \"degraded_service\": %s,%n  \"degradation_start\": %s,%n",
        w.degradedService == null ? "null" : "\"" + w.degradedService + "\"",
        w.degradationStart < 0 ? "null" : "\"" + Instant.ofEpochSecond(w.degradationStart) + "\""));
    json.append("  \"services\": {");
    String sep = "";
    for (Map.Entry<String, State> e : w.states.entrySet()) {
      json.append(String.format(Locale.ROOT, "%s%n    \"%s\": {\"state\": \"%s\", \"start\": \"%s\", \"end\": \"%s\"}",
          sep, e.getKey(), e.getValue().state(), Instant.ofEpochSecond(e.getValue().start()),
          Instant.ofEpochSecond(e.getValue().end())));
      sep = ",";
    }
    json.append("\n  },\n");
    json.append(String.format(Locale.ROOT, "  \"transactions\": %d,%n  \"reports\": %d,%n", w.txns.size(),
        w.reports.size()));
    json.append(String.format(Locale.ROOT, "  \"total_net_loss\": %.2f,%n  \"total_gross_loss\": %.2f,%n"
        + "  \"total_recovered\": %.2f,%n  \"total_counterfactual\": %.2f,%n  \"total_noise_sd\": %.2f%n}%n",
        total.net(), total.gross, total.recovered, total.counterfactual, Math.sqrt(total.noiseVar)));
    Files.writeString(dir.resolve("truth.json"), json.toString());
  }

  private static String row(String key, Truth t) {
    return String.format(Locale.ROOT, "%s,%s,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f", key, t.hit, t.counterfactual, t.actual,
        t.gross, t.recovered, t.net(), Math.sqrt(t.noiseVar));
  }

  /** The penlight graph of the sample data, found from the working directory (the repository or jobs/). */
  public static Path sampleGraph() {
    for (String p : new String[] {"data-samples/penlight/graph.json", "../data-samples/penlight/graph.json"}) {
      if (Files.exists(Path.of(p))) {
        return Path.of(p);
      }
    }
    throw new IllegalStateException("data-samples/penlight/graph.json not found from " + Path.of("").toAbsolutePath());
  }
}
