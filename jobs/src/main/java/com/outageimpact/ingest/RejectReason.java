package com.outageimpact.ingest;

/**
 * Why a row was rejected. A row gets the first reason that applies, in this order, with a detail
 * naming the column and the value. The codes are part of the product's interface: the rejects
 * tables, the manifest and the generator's truth use them.
 */
public enum RejectReason {
  /** The line could not be split into the input's columns (CSV field count, broken JSON). */
  MALFORMED_ROW("malformed_row"),
  /** A required column is missing, null or blank. */
  MISSING_REQUIRED("missing_required"),
  /** A timestamp that is not ISO-8601 with an offset or Z. */
  BAD_TIMESTAMP("bad_timestamp"),
  /** A number (amount, fee, share, rate, percentage) that does not parse. */
  BAD_NUMBER("bad_number"),
  /** A value outside its domain: unknown status, share outside 0..1, non-positive rate, bad region code, non-boolean flag. */
  BAD_VALUE("bad_value"),
  /** A business_id that is not among the accepted businesses. */
  UNKNOWN_BUSINESS("unknown_business"),
  /** A service that is not a component of the graph. */
  UNKNOWN_SERVICE("unknown_service"),
  /** A currency other than the reporting currency without a row in fx_rates. */
  UNKNOWN_CURRENCY("unknown_currency"),
  /** An sla_tier that sla_tiers does not define (only checked when sla_tiers is given). */
  UNKNOWN_SLA_TIER("unknown_sla_tier"),
  /**
   * A valid row whose key came again with different content, and whose copy was not the one kept
   * (see TableIngester): one reject per dropped copy. Decided after every check above.
   */
  CONFLICTING_DUPLICATE("conflicting_duplicate");

  private final String code;

  RejectReason(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
