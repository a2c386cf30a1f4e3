package com.outageimpact;

import com.outageimpact.common.JobOptions;
import com.outageimpact.common.SparkJobs;
import com.outageimpact.common.StageTimer;
import com.outageimpact.detect.DetectedIncident;
import com.outageimpact.detect.AnalysisWindow;
import com.outageimpact.detect.Detection;
import com.outageimpact.detect.DetectionParams;
import com.outageimpact.ingest.IngestedData;
import com.outageimpact.ingest.InputPaths;
import com.outageimpact.publish.IncidentSummaries;
import com.outageimpact.publish.Manifest;
import com.outageimpact.publish.Publisher;
import com.outageimpact.publish.StageTables;
import com.outageimpact.publish.Timelines;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Outage detection from problem reports alone (no graph, no transactions): writes
 * {@code outage_windows}, {@code timeline} and {@code incident_summary} per detected incident,
 * with the rejects and the manifest. The full run uses the same stage.
 */
public final class DetectJob {

  public static final String[] INPUTS = {"reports", "incident"};

  private DetectJob() {}

  public static JobOptions options() {
    JobOptions options = new JobOptions("detect",
        "Detect outages from user problem reports (and response metrics from incident.json when given).");
    InputPaths.declare(options, INPUTS);
    JobSettings.declare(options, "output folder; each incident's outputs are replaced atomically", false);
    DetectionParams.declare(options);
    return options;
  }

  public static void main(String[] args) {
    SparkJobs.main("detect", options(), args, DetectJob::checkInputsAndOutput, DetectJob::run);
  }

  /** Before any Spark work: the reports are there, every given path exists, --out can be written; returns the inputs' paths. */
  public static InputPaths checkInputsAndOutput(JobOptions options, org.apache.hadoop.conf.Configuration hadoopConf) {
    InputPaths paths = InputPaths.resolve(options, hadoopConf, INPUTS).checkPresent(hadoopConf, "reports");
    JobSettings.from(options); // a bad --format or currency: said before Spark starts
    Publisher.checkOutput(options.require(JobSettings.OUT), hadoopConf);
    return paths;
  }

  /** Runs detection; returns the incidents found. Publishes nothing if anything fails. */
  public static List<DetectedIncident> run(SparkSession spark, JobOptions options) throws Exception {
    Instant startedAt = Instant.now();
    StageTimer timer = new StageTimer();
    JobSettings settings = JobSettings.from(options);
    DetectionParams params = DetectionParams.from(options);
    InputPaths paths = checkInputsAndOutput(options, spark.sparkContext().hadoopConfiguration());
    Publisher publisher = settings.publisher(spark);
    IngestedData data = null;
    try {
      data = settings.ingestion(spark, publisher, timer).ingestReports(paths);
      Detection.Result result = Detection.detect(data.reports().accepted(), data.incident(), params, AnalysisWindow.TIMELINE_AFTER, timer);
      try (StageTimer.Stage stage = timer.start("publish")) {
        List<String> ids = StageTables.detection(publisher, spark, result);
        Timelines.stage(publisher, spark, result, List.of(), List.of());
        IncidentSummaries.stage(publisher, spark, result.incidents(), List.of(), List.of(), java.util.Map.of());
        Manifest manifest = new Manifest("detect", publisher.runId(), startedAt, spark.version())
            .parameters(options.effectiveValues()).input(data.reports().counts()).output("rejects/reports")
            .put("incidents", ids);
        if (paths.get("incident") != null) {
          manifest.input("incident", paths.get("incident"));
        }
        if (!ids.isEmpty()) {
          Detection.TABLES.forEach(manifest::output);
          manifest.output("incident_summary");
        }
        publisher.commit(manifest.toJson(timer.stages(), Instant.now()));
        stage.count("incidents", ids.size());
      } finally {
        if (result.scored() != null) {
          result.scored().unpersist();
        }
      }
      return result.incidents();
    } catch (Exception | Error e) {
      publisher.abort();
      throw e;
    } finally {
      if (data != null) {
        data.release();
      }
    }
  }
}
