package com.outageimpact.generate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.outageimpact.ingest.RejectReason;
import com.outageimpact.schema.InputSchema;
import com.outageimpact.schema.Schemas;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The bad rows: --bad-rows rows per applicable reject reason per input, each with exactly one
 * defect. Ids are fresh (bad businesses get ids after the valid ones and never have valid
 * transactions), and bad rows never enter the truth values: they are extra rows.
 *
 * <p>Reasons that need text (malformed lines, unparseable timestamps and numbers, a non-boolean
 * flag) only apply to CSV and JSON; Parquet's types cannot hold them.
 */
final class BadRowInjector {

  static final String BUSINESSES = "businesses";
  static final String BUSINESS_SERVICES = "business_services";
  static final String REPORTS = "reports";
  static final String TRANSACTIONS = "transactions";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter SLASHED = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm");
  private static final DateTimeFormatter NO_OFFSET = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
  private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final World world;
  private final int perReason;
  private final boolean text;
  private final long seed;
  private final List<String> badBusinessIds = new ArrayList<>();

  BadRowInjector(ScenarioConfig config, World world) {
    this.world = world;
    this.perReason = config.badRows();
    this.text = config.text();
    this.seed = config.seed();
  }

  /** Reasons that can occur in an input in this format, in the ingester's order. */
  static List<RejectReason> reasons(String input, boolean text) {
    List<RejectReason> all = switch (input) {
      case BUSINESSES -> List.of(RejectReason.MALFORMED_ROW, RejectReason.MISSING_REQUIRED,
          RejectReason.BAD_NUMBER, RejectReason.BAD_VALUE, RejectReason.UNKNOWN_SLA_TIER);
      case BUSINESS_SERVICES -> List.of(RejectReason.MALFORMED_ROW, RejectReason.MISSING_REQUIRED,
          RejectReason.BAD_NUMBER, RejectReason.BAD_VALUE, RejectReason.UNKNOWN_BUSINESS,
          RejectReason.UNKNOWN_SERVICE);
      case REPORTS -> List.of(RejectReason.MALFORMED_ROW, RejectReason.MISSING_REQUIRED,
          RejectReason.BAD_TIMESTAMP, RejectReason.BAD_VALUE, RejectReason.UNKNOWN_SERVICE);
      case TRANSACTIONS -> List.of(RejectReason.MALFORMED_ROW, RejectReason.MISSING_REQUIRED,
          RejectReason.BAD_TIMESTAMP, RejectReason.BAD_NUMBER, RejectReason.BAD_VALUE,
          RejectReason.UNKNOWN_BUSINESS, RejectReason.UNKNOWN_SERVICE, RejectReason.UNKNOWN_CURRENCY);
      default -> List.of();
    };
    if (text) {
      return all;
    }
    return all.stream().filter(r -> r != RejectReason.MALFORMED_ROW && r != RejectReason.BAD_TIMESTAMP
        && r != RejectReason.BAD_NUMBER).toList();
  }

  /** Bad rows of every input (businesses first: their ids are reused as unknown businesses). */
  Map<String, List<BadRow>> build() {
    Map<String, List<BadRow>> out = new LinkedHashMap<>();
    out.put(BUSINESSES, businesses());
    out.put(BUSINESS_SERVICES, businessServices());
    out.put(REPORTS, reports());
    out.put(TRANSACTIONS, transactions());
    return out;
  }

  private SplittableRandom rng(String input, RejectReason reason, int k) {
    return Rng.rng(seed, Rng.tag("bad-row"), Rng.tag(input), reason.ordinal(), k);
  }

  private List<BadRow> businesses() {
    List<BadRow> out = new ArrayList<>();
    int next = world.businesses.length;
    for (RejectReason reason : reasons(BUSINESSES, text)) {
      for (int k = 0; k < perReason; k++) {
        SplittableRandom r = rng(BUSINESSES, reason, k);
        String id = BusinessGenerator.businessId(next++);
        badBusinessIds.add(id);
        String sector = Catalog.SECTORS[r.nextInt(Catalog.SECTORS.length)];
        String region = Catalog.REGIONS[r.nextInt(Catalog.REGIONS.length)];
        String fee = (100 + r.nextInt(900)) + ".00";
        String[] v = {id, sector, region, "false", "standard", fee};
        switch (reason) {
          case MALFORMED_ROW -> out.add(malformed(Schemas.BUSINESSES, v, 5, "1," + v[5], k));
          case MISSING_REQUIRED -> out.add(BadRow.of(reason, set(v, 1, blank(k))));
          case BAD_NUMBER -> out.add(BadRow.of(reason, set(v, 5,
              pick(k, "1.500,00", "abc", "$" + fee))));
          case BAD_VALUE -> {
            if (text) {
              out.add(BadRow.of(reason, k % 3 == 0 ? set(v, 2, "USA") : k % 3 == 1 ? set(v, 3, "maybe")
                  : set(v, 5, "-" + fee)));
            } else {
              out.add(BadRow.of(reason, k % 2 == 0 ? set(v, 2, "USA") : set(v, 5, "-" + fee)));
            }
          }
          case UNKNOWN_SLA_TIER -> out.add(BadRow.of(reason, set(v, 4, pick(k, "platinum", "enterprise", "free"))));
          default -> throw new IllegalStateException(reason.code());
        }
      }
    }
    return out;
  }

  private List<BadRow> businessServices() {
    List<BadRow> out = new ArrayList<>();
    Set<String> usedKeys = new HashSet<>();
    for (RejectReason reason : reasons(BUSINESS_SERVICES, text)) {
      for (int k = 0; k < perReason; k++) {
        SplittableRandom r = rng(BUSINESS_SERVICES, reason, k);
        // A valid business with a service it does not use, so no key collides with a valid row.
        String[] v = null;
        for (int attempt = 0; attempt < 1000 && v == null; attempt++) {
          Business b = world.businesses[r.nextInt(world.businesses.length)];
          List<String> unused = new ArrayList<>();
          for (int s = 0; s < world.services.length; s++) {
            final int si = s;
            if (Arrays.stream(b.services()).noneMatch(x -> x == si)) {
              unused.add(world.services[s]);
            }
          }
          String service = unused.get(r.nextInt(unused.size()));
          if (usedKeys.add(b.id() + "|" + service)) {
            v = new String[] {b.id(), service, "0.25"};
          }
        }
        if (v == null) {
          v = new String[] {world.businesses[0].id(), world.services[0], "0.25"};
        }
        switch (reason) {
          case MALFORMED_ROW -> out.add(malformed(Schemas.BUSINESS_SERVICES, v, 2, "0,25", k));
          case MISSING_REQUIRED -> out.add(BadRow.of(reason, set(v, k % 2 == 0 ? 1 : 0, blank(k / 2))));
          case BAD_NUMBER -> out.add(BadRow.of(reason, set(v, 2, pick(k, "0,25", "half", "25%"))));
          case BAD_VALUE -> out.add(BadRow.of(reason, set(v, 2, pick(k, "1.5", "-0.25", "2"))));
          case UNKNOWN_BUSINESS -> out.add(BadRow.of(reason, set(v, 0, unknownBusiness(k))));
          case UNKNOWN_SERVICE -> out.add(BadRow.of(reason, set(v, 1, pick(k, "whatsapp", "ads-manager", "marketplace"))));
          default -> throw new IllegalStateException(reason.code());
        }
      }
    }
    return out;
  }

  private List<BadRow> reports() {
    List<BadRow> out = new ArrayList<>();
    int j = 0;
    long dayStart = world.time.dayStart(world.time.outageDay());
    for (RejectReason reason : reasons(REPORTS, text)) {
      for (int k = 0; k < perReason; k++) {
        SplittableRandom r = rng(REPORTS, reason, k);
        long id = ReportGenerator.id(TransactionGenerator.BAD_ROW_DAY, 0, 0, j++);
        long t = dayStart + r.nextInt(86400);
        int s = r.nextInt(world.services.length);
        int region = r.nextInt(Catalog.REGIONS.length);
        String[] problems = world.reports.problems[s];
        String[] v = {ReportGenerator.idText(id), Iso.utc(t), world.services[s], Catalog.REGIONS[region],
            problems[r.nextInt(problems.length)], ReportGenerator.reporterHash(seed, region, r.nextLong(1_000_000))};
        switch (reason) {
          case MALFORMED_ROW -> out.add(malformed(Schemas.REPORTS, v, 4, v[4] + ",total_blackout", k));
          case MISSING_REQUIRED -> out.add(BadRow.of(reason, set(v, k % 2 == 0 ? 1 : 2, blank(k / 2))));
          case BAD_TIMESTAMP -> out.add(BadRow.of(reason, set(v, 1, badTimestamp(t, k))));
          case BAD_VALUE -> out.add(BadRow.of(reason, set(v, 3, pick(k, "USA", "GBR", "DEU"))));
          case UNKNOWN_SERVICE -> out.add(BadRow.of(reason, set(v, 2, pick(k, "facebook", "instagram", "oculus"))));
          default -> throw new IllegalStateException(reason.code());
        }
      }
    }
    return out;
  }

  private List<BadRow> transactions() {
    List<BadRow> out = new ArrayList<>();
    int j = 0;
    long dayStart = world.time.dayStart(world.time.outageDay());
    for (RejectReason reason : reasons(TRANSACTIONS, text)) {
      for (int k = 0; k < perReason; k++) {
        SplittableRandom r = rng(TRANSACTIONS, reason, k);
        long id = TransactionGenerator.id(j++, TransactionGenerator.BAD_ROW_DAY, 0);
        Business b = world.businesses[r.nextInt(world.businesses.length)];
        long t = dayStart + r.nextInt(86400);
        String amount = TransactionGenerator.formatMinor(b.amountMinor(r), b.currencyDecimals());
        String service = b.services().length > 0 && r.nextBoolean()
            ? world.services[b.services()[r.nextInt(b.services().length)]] : null;
        String[] v = {TransactionGenerator.idText(id), b.id(), Iso.utc(t), amount, b.currency(), "succeeded", service};
        switch (reason) {
          case MALFORMED_ROW -> out.add(malformed(Schemas.TRANSACTIONS, v, 3, amount.contains(".") ? amount.replace('.', ',') : amount + ",00", k));
          case MISSING_REQUIRED -> out.add(BadRow.of(reason, set(v, 1 + k % 3, blank(k / 3))));
          case BAD_TIMESTAMP -> out.add(BadRow.of(reason, set(v, 2, badTimestamp(t, k))));
          case BAD_NUMBER -> out.add(BadRow.of(reason, set(v, 3,
              pick(k, amount.contains(".") ? amount.replace('.', ',') : amount + ",00", "abc", amount + " " + b.currency()))));
          case BAD_VALUE -> out.add(BadRow.of(reason, set(v, 5, pick(k, "pending", "refunded", "ok"))));
          case UNKNOWN_BUSINESS -> {
            String[] w = set(v, 1, unknownBusiness(k));
            w[4] = "USD";
            w[3] = TransactionGenerator.formatMinor(1000 + r.nextInt(20000), 2);
            w[6] = null;
            out.add(BadRow.of(reason, w));
          }
          case UNKNOWN_SERVICE -> out.add(BadRow.of(reason, set(v, 6, pick(k, "whatsapp-pay", "messenger", "instagram"))));
          case UNKNOWN_CURRENCY -> {
            String[] w = set(v, 4, pick(k, "CHF", "AUD", "XTS"));
            w[3] = TransactionGenerator.formatMinor(1000 + r.nextInt(20000), 2);
            out.add(BadRow.of(reason, w));
          }
          default -> throw new IllegalStateException(reason.code());
        }
      }
    }
    return out;
  }

  /** An id that is not an accepted business: a rejected business's, or one never defined. */
  private String unknownBusiness(int k) {
    if (k % 2 == 0 && !badBusinessIds.isEmpty()) {
      return badBusinessIds.get((k / 2) % badBusinessIds.size());
    }
    return BusinessGenerator.businessId(world.businesses.length + 100_000 + k);
  }

  /** Blank: absent for even k, whitespace for odd k (text) - both are missing to the contract. */
  private String blank(int k) {
    return k % 2 == 0 ? null : " ";
  }

  private static String badTimestamp(long t, int k) {
    LocalDateTime local = LocalDateTime.ofEpochSecond(t, 0, ZoneOffset.UTC);
    return switch (k % 3) {
      case 0 -> SLASHED.format(local);
      case 1 -> NO_OFFSET.format(local);
      default -> SPACED.format(local);
    };
  }

  /**
   * A line that does not split into the input's columns: a field with an unquoted comma (one
   * field too many), a truncated line (too few), or a trailing extra field; in JSON a truncated
   * object, an unquoted string value, or plain text.
   */
  private static BadRow malformed(InputSchema schema, String[] values, int commaField, String commaValue, int k) {
    String[] csv = values.clone();
    String csvLine;
    switch (k % 3) {
      case 0 -> {
        csv[commaField] = commaValue;
        csvLine = joinRaw(csv);
      }
      case 1 -> csvLine = joinRaw(Arrays.copyOf(csv, Math.max(1, csv.length / 2)));
      default -> csvLine = joinRaw(csv) + ",extra";
    }
    List<String> names = schema.columnNames();
    ObjectNode node = JSON.createObjectNode();
    for (int i = 0; i < values.length; i++) {
      node.put(names.get(i), values[i]);
    }
    String full = node.toString();
    String jsonLine = switch (k % 3) {
      case 0 -> full.substring(0, full.length() / 2);
      case 1 -> "{\"" + names.get(0) + "\": " + values[0] + ", \"" + names.get(1) + "\": \"" + values[1] + "\"}";
      default -> String.join(";", Arrays.stream(values).map(v -> v == null ? "" : v).toList());
    };
    return BadRow.malformed(csvLine, jsonLine);
  }

  private static String joinRaw(String[] values) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      if (values[i] != null) {
        sb.append(values[i]);
      }
    }
    return sb.toString();
  }

  private static String[] set(String[] values, int index, String value) {
    String[] copy = values.clone();
    copy[index] = value;
    return copy;
  }

  private static String pick(int k, String... options) {
    return options[k % options.length];
  }
}
