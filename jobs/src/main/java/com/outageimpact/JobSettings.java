package com.outageimpact;

import com.outageimpact.common.JobOptions;
import com.outageimpact.common.StageTimer;
import com.outageimpact.ingest.InputFormat;
import com.outageimpact.ingest.Ingestion;
import com.outageimpact.publish.Publisher;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * The settings the jobs share, declared and validated in one place (as {@code DetectionParams} and
 * {@code ImpactParams} are for their stages): the output folder, the inputs' format where file
 * names do not say it, and, for a job that reads money, the currency it reports money in.
 *
 * @param format null: each input's format from its file names
 * @param reportingCurrency null for a job that reads no money (detect reads reports only)
 */
record JobSettings(String out, InputFormat format, String reportingCurrency) {

  static final String OUT = "out";
  static final String REPORTING_CURRENCY = "reporting-currency";

  /** Declares {@code --out} (its help says what a run replaces there) and the currency when the job reads money. */
  static void declare(JobOptions options, String outHelp, boolean readsMoney) {
    options.option(OUT, "out", outHelp);
    if (readsMoney) {
      options.option(REPORTING_CURRENCY, "USD", "ISO 4217 currency that money is reported in");
    }
  }

  /** The parsed settings; a bad format or currency is an IllegalArgumentException naming the option. */
  static JobSettings from(JobOptions options) {
    InputFormat format = options.isSet("format") ? InputFormat.parse(options.get("format")) : null;
    String currency = null;
    if (options.declares(REPORTING_CURRENCY)) {
      currency = options.require(REPORTING_CURRENCY).toUpperCase(Locale.ROOT);
      if (!currency.matches("[A-Z]{3}")) {
        throw new IllegalArgumentException("option --" + REPORTING_CURRENCY + " '" + options.get(REPORTING_CURRENCY)
            + "' is not a three-letter ISO 4217 currency code");
      }
    }
    return new JobSettings(options.require(OUT), format, currency);
  }

  /** The run's publisher: stages every table under --out, publishes all of them or none. */
  Publisher publisher(SparkSession spark) {
    return new Publisher(out, spark.sparkContext().hadoopConfiguration());
  }

  /** Ingestion with these settings, its reject rows staged by the publisher. */
  Ingestion ingestion(SparkSession spark, Publisher publisher, StageTimer timer) {
    return new Ingestion(spark, reportingCurrency, format, input -> publisher.stage("rejects/" + input), timer);
  }
}
