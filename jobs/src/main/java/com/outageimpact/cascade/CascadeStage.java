package com.outageimpact.cascade;

import com.outageimpact.cascade.ComponentExposure.Exposure;
import com.outageimpact.cascade.RootCauseRanking.Candidate;
import com.outageimpact.cascade.ServiceImpacts.ComponentImpact;
import com.outageimpact.common.StageTimer;
import com.outageimpact.detect.DetectedIncident;
import com.outageimpact.graph.ServiceGraph;
import com.outageimpact.schema.Schemas;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The cascade stage: per incident, which component's failure explains what users reported, how
 * the failure spread from the root the incident is explained by, and, from the normal rates,
 * which components' failures would put the most at risk. All on the driver: the graph and the
 * detected incidents are small.
 *
 * <p>The root is the {@code --root} option when given, else the declared one, else the best
 * candidate. A declared root is kept even when the reports contradict it (the operator can see
 * inside the platform; reports cannot), and the contradiction is flagged.
 */
public final class CascadeStage {

  public static final List<String> TABLES = List.of("service_impact", "root_cause_candidates", "component_exposure");

  /** Where an incident's root came from. */
  public enum RootSource { OPTION, DECLARED, INFERRED }

  /** One incident's cascade: null root (and source) when nothing explains what was observed. */
  public record Finding(DetectedIncident incident, String root, RootSource rootSource, Boolean rootContradicted,
      List<Candidate> candidates, List<ComponentImpact> impacts, List<Exposure> exposure) {

    public String topCandidate() {
      return candidates.isEmpty() ? null : candidates.get(0).component();
    }

    public int services(Cascade.State state) {
      return (int) impacts.stream().filter(i -> i.state() == state && i.userFacing()).count();
    }
  }

  private CascadeStage() {}

  /**
   * @param rootOverride the {@code --root} option, or null
   * @param streams      normal rates before an incident (for exposure), or null for no exposure
   */
  public static List<Finding> analyse(ServiceGraph graph, List<DetectedIncident> incidents, String rootOverride,
      Function<DetectedIncident, List<NormalRates.Stream>> streams, StageTimer timer) {
    try (StageTimer.Stage stage = timer.start("cascade")) {
      if (rootOverride != null && !graph.has(rootOverride)) {
        throw new IllegalArgumentException("option --root: '" + rootOverride + "' is not a component of the graph");
      }
      Cascade cascade = new Cascade(graph);
      Map<String, Map<String, ObservedService>> observedBy = new java.util.LinkedHashMap<>();
      java.util.Set<String> reported = new java.util.TreeSet<>();
      for (DetectedIncident incident : incidents) {
        observedBy.put(incident.id(), ObservedService.of(incident));
        reported.addAll(observedBy.get(incident.id()).keySet());
      }
      Footprints footprints = new Footprints(graph, cascade, reported);
      RootCauseRanking ranking = new RootCauseRanking(graph, footprints);
      List<Finding> findings = new ArrayList<>();
      int candidates = 0;
      for (DetectedIncident incident : incidents) {
        Map<String, ObservedService> observed = observedBy.get(incident.id());
        String declared = incident.declaration() == null ? null : incident.declaration().rootComponent();
        List<Candidate> ranked = ranking.rank(observed, declared);
        candidates += ranked.size();
        String root;
        RootSource source;
        if (rootOverride != null) {
          root = rootOverride;
          source = RootSource.OPTION;
        } else if (declared != null) {
          root = declared;
          source = RootSource.DECLARED;
        } else if (!ranked.isEmpty()) {
          root = ranked.get(0).component();
          source = RootSource.INFERRED;
        } else {
          root = null;
          source = null;
        }
        Boolean contradicted = declared == null ? null : RootCauseRanking.contradicts(ranked, declared);
        List<ComponentImpact> impacts =
            ServiceImpacts.of(graph, cascade, root, observed, incident.start(), incident.end());
        List<Exposure> exposure =
            streams == null ? List.of() : ComponentExposure.rank(graph, footprints, streams.apply(incident));
        findings.add(new Finding(incident, root, source, contradicted, List.copyOf(ranked), impacts, exposure));
      }
      stage.count("incidents", findings.size()).count("candidates", candidates)
          .count("components", graph.components().size());
      return findings;
    }
  }

  /** The cascade's tables over every incident, by table name: service_impact, root_cause_candidates, component_exposure. */
  public static Map<String, Dataset<Row>> tables(SparkSession spark, List<Finding> findings) {
    List<Row> impacts = new ArrayList<>();
    List<Row> candidates = new ArrayList<>();
    List<Row> exposures = new ArrayList<>();
    for (Finding f : findings) {
      String id = f.incident().id();
      String declared = f.incident().declaration() == null ? null : f.incident().declaration().rootComponent();
      for (ComponentImpact i : f.impacts()) {
        impacts.add(RowFactory.create(id, i.component(), i.kind(), name(i.state()), ts(i.impactStart()),
            ts(i.impactEnd()), i.downtimeMinutes(), i.path().toArray(String[]::new), i.observed(), i.explained()));
      }
      for (Candidate c : f.candidates()) {
        candidates.add(RowFactory.create(id, c.component(), c.rank(), c.score(), c.explained().toArray(String[]::new),
            c.unexplained().toArray(String[]::new), c.predictedNotSeen().toArray(String[]::new),
            c.componentsImpaired(), c.indistinguishableFromTop(), c.component().equals(declared)));
      }
      for (Exposure e : f.exposure()) {
        exposures.add(RowFactory.create(id, e.component(), e.kind(), e.rank(), e.servicesDown().toArray(String[]::new),
            e.servicesDegraded().toArray(String[]::new), e.businesses(), e.sectors().toArray(String[]::new),
            e.criticalBusinesses(), e.valuePerHourDown(), e.valuePerHourDegraded(), e.valuePerHourAtRisk()));
      }
    }
    Map<String, Dataset<Row>> tables = new LinkedHashMap<>();
    tables.put("service_impact", spark.createDataFrame(impacts, Schemas.SERVICE_IMPACT));
    tables.put("root_cause_candidates", spark.createDataFrame(candidates, Schemas.ROOT_CAUSE_CANDIDATES));
    tables.put("component_exposure", spark.createDataFrame(exposures, Schemas.COMPONENT_EXPOSURE));
    return tables;
  }

  /** States as the contract spells them: down, degraded, up. */
  public static String name(Cascade.State state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  private static Timestamp ts(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }
}
