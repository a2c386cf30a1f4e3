package com.outageimpact.detect;

import static org.apache.spark.sql.functions.col;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Reads the windows out of the scanned series. Windows grow with incidents, not with reports,
 * so they come to the driver, where incidents are formed.
 */
public final class WindowDetector {

  private WindowDetector() {}

  public static List<OutageWindow> windows(Dataset<Row> scanned, DetectionParams params) {
    long bucket = params.bucketSeconds();
    List<OutageWindow> result = new ArrayList<>();
    List<Row> rows = scanned.filter(col("w_end").isNotNull())
        .select("service", "region", "bucket_index", "w_end", "w_drain_end", "w_peak", "w_first_alarm",
            "w_reports", "w_expected_reports", "w_peak_ratio", "w_baseline_kind")
        .orderBy("service", "region", "bucket_index")
        .collectAsList();
    for (Row row : rows) {
      result.add(new OutageWindow(row.getString(0), row.getString(1),
          Instant.ofEpochSecond(row.getLong(2) * bucket),
          Instant.ofEpochSecond(row.getLong(5) * bucket),
          Instant.ofEpochSecond(row.getLong(3) * bucket),
          Instant.ofEpochSecond(row.getLong(4) * bucket),
          // The alarm is raised when the bucket that tipped the evidence is complete.
          Instant.ofEpochSecond((row.getLong(6) + 1) * bucket),
          row.getLong(7), row.getDouble(8), row.getDouble(9), row.getString(10)));
    }
    return result;
  }
}
