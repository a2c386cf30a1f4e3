package com.outageimpact.ingest;

/** The inputs the run job reads, for tests that drive {@link Ingestion} directly. */
final class RunJobInputs {
  static final String[] ALL = {
      "graph", "incident", "reports", "businesses", "business_services", "transactions", "sla_tiers", "fx_rates"};

  private RunJobInputs() {}
}
