package com.outageimpact.ingest;

import com.outageimpact.graph.ServiceGraph;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Everything the later stages work from, as accepted by ingestion. The graph, the incident and
 * the exchange rates are small and held on the driver; the tables are lazy Datasets (absent
 * optional inputs are null).
 */
public record IngestedData(
    String reportingCurrency,
    ServiceGraph graph,
    IncidentDeclaration incident,
    Map<String, BigDecimal> fxRates,
    IngestedInput fxRateRows,
    IngestedInput slaTiers,
    IngestedInput businesses,
    IngestedInput businessServices,
    IngestedInput reports,
    IngestedInput transactions,
    IngestedInput policies) {

  /** Without policies (an input only the run job reads). */
  public IngestedData(String reportingCurrency, ServiceGraph graph, IncidentDeclaration incident,
      Map<String, BigDecimal> fxRates, IngestedInput fxRateRows, IngestedInput slaTiers, IngestedInput businesses,
      IngestedInput businessServices, IngestedInput reports, IngestedInput transactions) {
    this(reportingCurrency, graph, incident, fxRates, fxRateRows, slaTiers, businesses, businessServices, reports,
        transactions, null);
  }

  /** The same data with these transactions. */
  public IngestedData withTransactions(IngestedInput transactions) {
    return new IngestedData(reportingCurrency, graph, incident, fxRates, fxRateRows, slaTiers, businesses,
        businessServices, reports, transactions, policies);
  }

  /** Drops what ingestion cached of every input (see {@link IngestedInput#release}). */
  public void release() {
    java.util.stream.Stream.of(fxRateRows, slaTiers, businesses, businessServices, policies, reports, transactions)
        .filter(java.util.Objects::nonNull)
        .forEach(IngestedInput::release);
  }

  /** Counts of every tabular input that was given, in ingestion order. */
  public List<InputCounts> counts() {
    return java.util.stream.Stream.of(fxRateRows, slaTiers, businesses, businessServices, policies, reports, transactions)
        .filter(java.util.Objects::nonNull)
        .map(IngestedInput::counts)
        .toList();
  }
}
