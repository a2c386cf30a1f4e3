package com.outageimpact;

import static org.apache.spark.sql.functions.col;

import com.outageimpact.cascade.CascadeStage;
import com.outageimpact.cascade.NormalRates;
import com.outageimpact.common.JobOptions;
import com.outageimpact.impact.ImpactParams;
import com.outageimpact.impact.ImpactStage;
import com.outageimpact.common.SparkJobs;
import com.outageimpact.common.StageTimer;
import com.outageimpact.detect.Detection;
import com.outageimpact.detect.DetectionParams;
import com.outageimpact.detect.AnalysisWindow;
import com.outageimpact.detect.DetectedIncident;
import com.outageimpact.detect.TransactionEvidence;
import com.outageimpact.ingest.DateSpan;
import com.outageimpact.ingest.IngestedData;
import com.outageimpact.ingest.IngestedInput;
import com.outageimpact.ingest.InputCounts;
import com.outageimpact.ingest.InputPaths;
import com.outageimpact.ingest.Ingestion;
import com.outageimpact.publish.IncidentSummaries;
import com.outageimpact.publish.Manifest;
import com.outageimpact.publish.Publisher;
import com.outageimpact.publish.StageTables;
import com.outageimpact.publish.Timelines;
import com.outageimpact.schema.Schemas;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main job: ingest every input to the data contract, detect the outage, trace its cascade,
 * and publish. The impact stage plugs in between cascade and publish.
 */
public final class RunJob {

  private static final Logger LOG = LoggerFactory.getLogger(RunJob.class);

  public static final String[] INPUTS = {
      "graph", "incident", "reports", "businesses", "business_services", "transactions", "sla_tiers", "fx_rates",
      "policies"};

  /**
   * Names the Spark jobs that read, check and de-duplicate the transactions, in the UI and REST API
   * (the cluster test kills an executor in one).
   */
  public static final String PREPARE_JOB = "transactions: parse, check and de-duplicate for the later stages";

  /** The transaction columns the stages after ingestion read. */
  private static final Column[] TRANSACTION_COLUMNS = {
      col("business_id"), col("service"), col("occurred_at"), col("status"), col(Schemas.AMOUNT_REPORTING)};

  private RunJob() {}

  public static JobOptions options() {
    JobOptions options = new JobOptions("run",
        "Ingest an outage's inputs (data contract: reports, graph, businesses, business_services,\n"
            + "transactions, incident, sla_tiers, fx_rates), detect the outage from the reports, trace its cascade\n"
            + "through the graph, and publish outage_windows, incident_summary, timeline, service_impact,\n"
            + "root_cause_candidates, component_exposure, rejects/ and manifest.json under --out.");
    InputPaths.declare(options, INPUTS);
    JobSettings.declare(options, "output folder; a run replaces its outputs there atomically", true);
    DetectionParams.declare(options);
    options.option("root", null, "component to explain every incident by, over the declared or inferred root");
    ImpactParams.declare(options);
    return options;
  }

  public static void main(String[] args) {
    SparkJobs.main("run", options(), args, RunJob::checkInputsAndOutput, RunJob::run);
  }

  /** Inputs that a run cannot do without. */
  static final String[] REQUIRED = {"graph", "reports", "businesses", "transactions"};

  /** Before any Spark work: the required inputs are there, every given path exists, --out can be written; returns the inputs' paths. */
  public static InputPaths checkInputsAndOutput(JobOptions options, org.apache.hadoop.conf.Configuration hadoopConf) {
    InputPaths paths = InputPaths.resolve(options, hadoopConf, INPUTS).checkPresent(hadoopConf, REQUIRED);
    JobSettings.from(options); // a bad --format or currency: said before Spark starts
    Publisher.checkOutput(options.require(JobSettings.OUT), hadoopConf);
    return paths;
  }

  /** Runs the job; returns the published manifest's JSON. Publishes nothing if anything fails. */
  public static String run(SparkSession spark, JobOptions options) throws Exception {
    Instant startedAt = Instant.now();
    StageTimer timer = new StageTimer();
    // Again here (main checked before the session): callers that hand in their own session get
    // the same early, one-line failures.
    InputPaths paths = checkInputsAndOutput(options, spark.sparkContext().hadoopConfiguration());
    JobSettings settings = JobSettings.from(options);
    DetectionParams detectionParams = DetectionParams.from(options);
    ImpactParams impactParams = ImpactParams.from(options);
    Publisher publisher = settings.publisher(spark);
    IngestedData ingested = null;
    try {
      Manifest manifest = new Manifest("run", publisher.runId(), startedAt, spark.version())
          .parameters(options.effectiveValues());
      Ingestion ingestion = settings.ingestion(spark, publisher, timer);
      ingested = ingestion.ingestAllButTransactions(paths);
      // The timeline reaches the recovery hours past an incident's end (the impact's analysis window).
      Detection.Result detection = Detection.detect(ingested.reports().accepted(), ingested.incident(),
          detectionParams, impactParams.recovery(), timer);

      // Transactions are read after detection, for the dates its incidents need: when they are
      // date-partitioned, the other days' files are never opened. With no incident, every file is
      // read, so that the manifest and rejects still say what is wrong with the data.
      DateSpan dates = null;
      for (DetectedIncident incident : detection.incidents()) {
        AnalysisWindow window = impactParams.window(incident);
        DateSpan one = DateSpan.covering(window.transactionsFrom(detectionParams.baselineWeeks()), window.timelineEnd());
        dates = dates == null ? one : dates.union(one);
      }
      try {
        spark.sparkContext().setJobDescription(PREPARE_JOB);
        ingested = ingestion.ingestTransactions(ingested, paths, dates);
      } finally {
        spark.sparkContext().setJobDescription(null);
      }
      // The cascade's rates, the impact and the timeline each read the accepted transactions,
      // the few columns they use, from what ingestion cached: the data is read, checked and
      // de-duplicated once, and the cache is kept until the outputs are published. (Not a second
      // cache over it: dropping the first would make Spark rebuild the second from the files.)
      Dataset<Row> transactions = ingested.transactions().accepted().select(TRANSACTION_COLUMNS);
      IngestedData data = ingested.withTransactions(
          new IngestedInput(transactions, ingested.transactions().counts()));

      manifest.input("graph", paths.get("graph"));
      if (paths.get("incident") != null) {
        manifest.input("incident", paths.get("incident"));
      }
      for (InputCounts counts : data.counts()) {
        manifest.input(counts);
        manifest.output("rejects/" + counts.input());
      }
      ImpactStage.TransactionExtent transactionExtent = null; // measured below when there is an incident
      if (!detection.incidents().isEmpty()) {
        try (StageTimer.Stage stage = timer.start("prepare.transactions")) {
          transactionExtent = ImpactStage.TransactionExtent.measure(transactions);
          stage.count("accepted", transactionExtent.count());
        }
        // Failed attempts show where services broke and came back, beyond what reports can see.
        detection = detection.withIncidents(TransactionEvidence.refine(transactions,
            data.businesses().accepted(), detection.incidents(), detectionParams, timer));
      }
      Duration rateLookback = Duration.ofDays(7L * detectionParams.baselineWeeks());
      List<CascadeStage.Finding> cascade = CascadeStage.analyse(data.graph(), detection.incidents(),
          options.get("root"),
          incident -> NormalRates.measure(data.transactions().accepted(), data.businesses().accepted(),
              data.businessServices() == null ? null : data.businessServices().accepted(), incident.start(),
              rateLookback),
          timer);
      List<ImpactStage.Impact> impacts = new ArrayList<>();
      Map<String, Integer> weeksUsed = new LinkedHashMap<>();
      Map<String, String> notEstimated = new LinkedHashMap<>();
      for (CascadeStage.Finding finding : cascade) {
        // Only baseline weeks the data wholly covers: a week it starts inside has short sums.
        int weeks = ImpactStage.coveredWeeks(transactionExtent, impactParams.window(finding.incident()),
            detectionParams.baselineWeeks());
        weeksUsed.put(finding.incident().id(), weeks);
        if (weeks == 0) {
          // Nothing to compare with: publish detection and cascade, and no money rather than a guess.
          String reason = "no baseline week covered: the transactions start less than a week before the "
              + "incident's level window (the --level-hours before its analysis window)";
          LOG.warn("incident {}: loss not estimated ({})", finding.incident().id(), reason);
          notEstimated.put(finding.incident().id(), reason);
          continue;
        }
        impacts.add(ImpactStage.estimate(spark, data, finding, weeks, impactParams, detectionParams.bucketSeconds(),
            timer));
      }
      manifest.put("baseline_weeks_used", weeksUsed);
      if (data.policies() == null) {
        // Without the input nobody can say who is insured: no insured tables rather than "all uninsured".
        manifest.put("insured_impact", "not published: no policies input");
      }
      if (!notEstimated.isEmpty()) {
        manifest.put("impact_not_estimated", notEstimated);
      }
      String json;
      try (StageTimer.Stage stage = timer.start("publish")) {
        List<String> incidents = StageTables.detection(publisher, spark, detection);
        StageTables.cascade(publisher, spark, cascade);
        StageTables.impact(publisher, impacts);
        Timelines.stage(publisher, spark, detection, cascade, impacts);
        IncidentSummaries.stage(publisher, spark, detection.incidents(), cascade, impacts, weeksUsed);
        if (!incidents.isEmpty()) {
          Detection.TABLES.forEach(manifest::output);
          CascadeStage.TABLES.forEach(manifest::output);
          if (!impacts.isEmpty()) {
            ImpactStage.TABLES.forEach(manifest::output);
            if (data.policies() != null) {
              ImpactStage.INSURED_TABLES.forEach(manifest::output);
            }
            manifest.output(ImpactStage.DURATION_TABLE);
          }
          manifest.output("incident_summary");
        }
        manifest.put("incidents", incidents);
        json = publisher.commit(manifest.toJson(timer.stages(), Instant.now()));
        stage.count("incidents", incidents.size());
      } finally {
        if (detection.scored() != null) {
          detection.scored().unpersist();
        }
        impacts.forEach(ImpactStage.Impact::release);
      }
      LOG.info("run complete: outputs under {}", settings.out());
      return json;
    } catch (Exception | Error e) {
      publisher.abort();
      throw e;
    } finally {
      if (ingested != null) {
        ingested.release();
      }
    }
  }
}
