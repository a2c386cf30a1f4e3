package com.outageimpact.common;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Columns derived from a table's own columns, added in one projection.
 *
 * <p>Why not a chain of {@code withColumn}: each call analyses the whole plan again, so a chain
 * of n calls on a plan of p nodes costs n x p on the driver before any data moves. The impact
 * stage's plans reach back to the transactions through several joins, and its dozens of derived
 * columns took most of a small run's time (profiled: 7 of the insured step's 11 seconds were
 * spent analysing plans, none running jobs). One {@code select} per step is analysed once.
 *
 * <p>Same result as the chain of {@code withColumn} calls in the map's order: a name the table
 * already has is replaced in place, a new one is appended. The columns of one step are computed
 * from the table as it was before the step, so a column that reads another derived column goes in
 * a later step.
 */
public final class DerivedColumns {

  private final Map<String, Column> columns = new LinkedHashMap<>();

  private DerivedColumns() {}

  public static DerivedColumns of() {
    return new DerivedColumns();
  }

  /** Adds (or replaces) {@code name}; a later {@code put} of the same name wins. */
  public DerivedColumns put(String name, Column value) {
    columns.put(name, value);
    return this;
  }

  /** The table with this step's columns, in one projection. */
  public Dataset<Row> addTo(Dataset<Row> rows) {
    List<Column> out = new ArrayList<>();
    Map<String, Column> pending = new LinkedHashMap<>(columns);
    for (String existing : rows.columns()) {
      Column replacement = pending.remove(existing);
      out.add(replacement == null ? rows.col(quoted(existing)) : replacement.as(existing));
    }
    pending.forEach((name, value) -> out.add(value.as(name)));
    return rows.select(out.toArray(Column[]::new));
  }

  /** A column name as {@code Dataset.col} reads it literally (no dots or nesting). */
  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
