package com.outageimpact.schema;

import org.apache.spark.sql.types.DataType;

/** One contract column of an input: its name, the type the jobs work with, and whether it is required. */
public record ColumnSpec(String name, DataType type, boolean required) {

  public static ColumnSpec required(String name, DataType type) {
    return new ColumnSpec(name, type, true);
  }

  public static ColumnSpec optional(String name, DataType type) {
    return new ColumnSpec(name, type, false);
  }
}
