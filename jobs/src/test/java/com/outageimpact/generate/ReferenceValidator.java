package com.outageimpact.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An independent, deliberately plain reading of a generated CSV scenario: splits lines by RFC
 * 4180, applies the contract's reject rules in the ingester's order, and counts duplicates. Tests
 * compare what it finds in the files with what truth.json claims.
 */
public final class ReferenceValidator {

  /** One CSV input as read from disk. */
  static final class Table {
    final String name;
    final List<String> header;
    final List<List<String>> rows = new ArrayList<>();
    final List<String> files = new ArrayList<>();

    Table(String name, List<String> header) {
      this.name = name;
      this.header = header;
    }

    String get(List<String> row, String column) {
      int i = header.indexOf(column);
      String v = i < row.size() ? row.get(i) : null;
      return v == null || v.isBlank() ? null : v.trim();
    }
  }

  /** Per-input result: reasons of rejected rows, duplicates and the accepted rows. */
  static final class Result {
    final Map<String, Long> rejectedByReason = new LinkedHashMap<>();
    long duplicates;
    long read;
    final List<List<String>> accepted = new ArrayList<>();
  }

  private final Path root;
  private final Set<String> components;
  final Map<String, Table> tables = new LinkedHashMap<>();
  final Map<String, Result> results = new LinkedHashMap<>();
  final Map<String, BigDecimal> fx = new HashMap<>();
  final Set<String> tiers = new HashSet<>();
  final Set<String> acceptedBusinesses = new HashSet<>();

  ReferenceValidator(Path root, Set<String> components) {
    this.root = root;
    this.components = components;
    for (String input : List.of("fx_rates", "sla_tiers", "businesses", "business_services", "policies", "reports",
        "transactions")) {
      tables.put(input, read(input));
    }
    for (String input : tables.keySet()) {
      results.put(input, validate(tables.get(input)));
      Result r = results.get(input);
      Table t = tables.get(input);
      if (input.equals("fx_rates")) {
        for (List<String> row : r.accepted) {
          fx.put(t.get(row, "currency"), new BigDecimal(t.get(row, "rate_to_reporting")));
        }
      } else if (input.equals("sla_tiers")) {
        for (List<String> row : r.accepted) {
          tiers.add(t.get(row, "tier"));
        }
      } else if (input.equals("businesses")) {
        for (List<String> row : r.accepted) {
          acceptedBusinesses.add(t.get(row, "business_id"));
        }
      }
    }
  }

  private Table read(String input) {
    Table table = null;
    try (Stream<Path> files = Files.walk(root.resolve(input))) {
      List<Path> csvs = files.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
      for (Path file : csvs) {
        List<String> lines = Files.readAllLines(file);
        List<String> header = split(lines.get(0));
        if (table == null) {
          table = new Table(input, header);
        }
        if (!header.equals(table.header)) {
          throw new IllegalStateException("header differs in " + file);
        }
        table.files.add(root.relativize(file).toString());
        for (String line : lines.subList(1, lines.size())) {
          table.rows.add(split(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return table;
  }

  /** RFC 4180 split; a null entry would mean an unterminated quote (never generated). */
  public static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    out.add(field.toString());
    return out;
  }

  private Result validate(Table t) {
    Result r = new Result();
    Set<String> seen = new HashSet<>();
    for (List<String> row : t.rows) {
      r.read++;
      String reason = reason(t, row);
      if (reason != null) {
        r.rejectedByReason.merge(reason, 1L, Long::sum);
        continue;
      }
      String key = key(t, row);
      if (key != null && !seen.add(key)) {
        r.duplicates++;
        continue;
      }
      r.accepted.add(row);
    }
    return r;
  }

  private static String key(Table t, List<String> row) {
    return switch (t.name) {
      case "reports" -> t.get(row, "report_id");
      case "transactions" -> t.get(row, "txn_id");
      case "policies" -> t.get(row, "policy_id");
      default -> null;
    };
  }

  /** The first reject reason that applies, in the ingester's order; null when the row is valid. */
  String reason(Table t, List<String> row) {
    if (row.size() != t.header.size()) {
      return "malformed_row";
    }
    List<String> required = switch (t.name) {
      case "fx_rates" -> List.of("currency", "rate_to_reporting");
      case "sla_tiers" -> List.of("tier", "below_availability_pct", "credit_pct");
      case "businesses" -> List.of("business_id", "sector");
      case "business_services" -> List.of("business_id", "service");
      case "reports" -> List.of("report_id", "reported_at", "service");
      case "transactions" -> List.of("txn_id", "business_id", "occurred_at", "amount");
      case "policies" -> List.of("policy_id", "business_id", "kind", "waiting_period_hours");
      default -> List.of();
    };
    for (String c : required) {
      if (t.get(row, c) == null) {
        return "missing_required";
      }
    }
    for (String c : List.of("reported_at", "occurred_at")) {
      if (t.header.contains(c) && t.get(row, c) != null && parseInstant(t.get(row, c)) == null) {
        return "bad_timestamp";
      }
    }
    for (String c : List.of("amount", "monthly_fee", "share", "rate_to_reporting", "below_availability_pct",
        "credit_pct", "waiting_period_hours", "retention", "limit", "payout_per_hour")) {
      if (t.header.contains(c) && t.get(row, c) != null && number(t.get(row, c)) == null) {
        return "bad_number";
      }
    }
    if (badValue(t, row)) {
      return "bad_value";
    }
    if (t.name.equals("policies") && t.get(row, "kind").equals("parametric") && t.get(row, "payout_per_hour") == null) {
      return "missing_required";
    }
    if ((t.name.equals("transactions") || t.name.equals("business_services") || t.name.equals("policies"))
        && !acceptedBusinesses.contains(t.get(row, "business_id"))) {
      return "unknown_business";
    }
    if (t.header.contains("service") && t.get(row, "service") != null && !components.contains(t.get(row, "service"))) {
      return "unknown_service";
    }
    if ((t.name.equals("transactions") || t.name.equals("policies")) && t.get(row, "currency") != null
        && !t.get(row, "currency").equals("USD") && !fx.containsKey(t.get(row, "currency"))) {
      return "unknown_currency";
    }
    if (t.name.equals("businesses") && t.get(row, "sla_tier") != null && !tiers.contains(t.get(row, "sla_tier"))) {
      return "unknown_sla_tier";
    }
    return null;
  }

  private static boolean badValue(Table t, List<String> row) {
    String status = t.header.contains("status") ? t.get(row, "status") : null;
    if (status != null && !List.of("succeeded", "failed", "timeout", "declined").contains(status)) {
      return true;
    }
    String share = t.header.contains("share") ? t.get(row, "share") : null;
    if (share != null && (number(share).signum() < 0 || number(share).compareTo(BigDecimal.ONE) > 0)) {
      return true;
    }
    String rate = t.header.contains("rate_to_reporting") ? t.get(row, "rate_to_reporting") : null;
    if (rate != null && number(rate).signum() <= 0) {
      return true;
    }
    String critical = t.header.contains("critical") ? t.get(row, "critical") : null;
    if (critical != null && !List.of("true", "false").contains(critical.toLowerCase(Locale.ROOT))) {
      return true;
    }
    String region = t.header.contains("region") ? t.get(row, "region") : null;
    if (region != null && !region.matches("[A-Z]{2}")) {
      return true;
    }
    String fee = t.header.contains("monthly_fee") ? t.get(row, "monthly_fee") : null;
    if (fee != null && number(fee).signum() < 0) {
      return true;
    }
    String kind = t.header.contains("kind") ? t.get(row, "kind") : null;
    if (kind != null && !List.of("indemnity", "parametric").contains(kind)) {
      return true;
    }
    for (String c : List.of("waiting_period_hours", "retention", "limit", "payout_per_hour")) {
      String v = t.header.contains(c) ? t.get(row, c) : null;
      if (v != null && number(v).signum() < 0) {
        return true;
      }
    }
    for (String c : List.of("below_availability_pct", "credit_pct")) {
      String v = t.header.contains(c) ? t.get(row, c) : null;
      if (v != null && (number(v).signum() < 0 || number(v).compareTo(BigDecimal.valueOf(100)) > 0)) {
        return true;
      }
    }
    return false;
  }

  static BigDecimal number(String v) {
    if (!v.matches("-?\\d+(\\.\\d+)?")) {
      return null;
    }
    return new BigDecimal(v);
  }

  /** ISO-8601 with Z or an offset; null otherwise. */
  static OffsetDateTime parseInstant(String v) {
    if (!v.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})")) {
      return null;
    }
    try {
      return OffsetDateTime.parse(v);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
