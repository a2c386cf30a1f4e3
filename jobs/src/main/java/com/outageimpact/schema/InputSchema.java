package com.outageimpact.schema;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A tabular input of the data contract: its columns, the columns that identify a row (a
 * repeated key is a duplicate delivery, counted and dropped), and the columns that must never be
 * copied to any output, not even to the raw row of a reject.
 *
 * <p>{@code eventKey}: the key names one delivered event (a transaction, a report), and no other
 * input or output refers to it. The ingest de-duplicates on it and names it in reject rows; the
 * accepted rows go on without it ({@link #acceptedColumns}). Such a key is distinct on nearly
 * every row, which makes it the costliest column to hold in memory, and no later stage reads it.
 * A key that other tables join on (a business, a currency) is carried.
 *
 * <p>A private column (a pseudonymous reporter id) is only ever counted distinct. Past the checks,
 * the ingest holds it as a 64-bit hash of its text (xxhash64, a long; null stays null): enough to
 * tell values apart (two of n values collide with odds of about n^2 / 2^65), a fixed 8 bytes
 * where a SHA-256 hex is 64 characters, and the text itself is in no cache and no later stage.
 */
public record InputSchema(String name, List<ColumnSpec> columns, List<String> keyColumns,
    List<String> privateColumns, boolean eventKey) {

  public InputSchema(String name, List<ColumnSpec> columns, List<String> keyColumns) {
    this(name, columns, keyColumns, List.of(), false);
  }

  /** The columns of the accepted rows, before the input's derived ones: all, but an event key. */
  public List<String> acceptedColumns() {
    return columns.stream().map(ColumnSpec::name).filter(n -> !(eventKey && keyColumns.contains(n))).toList();
  }

  public ColumnSpec column(String columnName) {
    return columns.stream()
        .filter(c -> c.name().equals(columnName))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(name + " has no column " + columnName));
  }

  public List<String> requiredColumns() {
    return columns.stream().filter(ColumnSpec::required).map(ColumnSpec::name).toList();
  }

  public List<String> columnNames() {
    return columns.stream().map(ColumnSpec::name).toList();
  }

  /** The contract's columns typed, as a typed file (Parquet) holds them. */
  public StructType typedSchema() {
    StructType schema = new StructType();
    for (ColumnSpec column : columns) {
      schema = schema.add(new StructField(column.name(), column.type(), !column.required(),
          org.apache.spark.sql.types.Metadata.empty()));
    }
    return schema;
  }

  /** All contract columns as text: how CSV and JSON Lines are read, so that nothing is lost before validation. */
  public StructType textSchema() {
    StructType schema = new StructType();
    for (ColumnSpec column : columns) {
      schema = schema.add(column.name(), DataTypes.StringType, true);
    }
    return schema;
  }
}
