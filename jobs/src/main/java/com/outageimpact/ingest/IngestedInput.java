package com.outageimpact.ingest;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One input after ingestion: its accepted rows (typed contract columns, one row per key, plus any
 * derived columns) and its counts. The rows are a lazy Dataset; nothing that grows with the data
 * is held on the driver.
 */
public record IngestedInput(Dataset<Row> accepted, InputCounts counts) {}
