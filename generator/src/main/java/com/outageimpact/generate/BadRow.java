package com.outageimpact.generate;

import com.outageimpact.ingest.RejectReason;

/**
 * One deliberately broken input row with exactly one defect, so its reject reason is unambiguous.
 *
 * @param values the row's text values in the input's contract column order (null = absent); null
 *     for a malformed row, which exists only as raw lines
 * @param rawCsv the raw CSV line of a malformed row
 * @param rawJson the raw JSON line of a malformed row
 */
record BadRow(RejectReason reason, String[] values, String rawCsv, String rawJson) {

  static BadRow of(RejectReason reason, String... values) {
    return new BadRow(reason, values, null, null);
  }

  static BadRow malformed(String rawCsv, String rawJson) {
    return new BadRow(RejectReason.MALFORMED_ROW, null, rawCsv, rawJson);
  }

  boolean malformed() {
    return values == null;
  }
}
