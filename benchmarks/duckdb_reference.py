#!/usr/bin/env python3
"""The single-machine reference of issue 20's benchmark (benchmarks/run-vs-references.sh): the
core of what `run` does with the transactions, in DuckDB, on the same files.

    notebooks/.venv/bin/python benchmarks/duckdb_reference.py DATA [threads]

DATA is a contract data folder (the generator's output, `--format parquet` or `csv`):
transactions, businesses and fx_rates, each as Parquet or CSV, and incident.json. The work: read and type the
rows, drop those missing a required value, keep one row per txn_id (a hash aggregate), convert to
the reporting currency, sum the succeeded value per sector and 5-minute bucket, take the mean of the
same bucket in the four weeks before as the expected value, and sum expected minus actual over the
declared incident (its first to its last status update). It prints each sector's net loss and the
seconds the query took; the script that calls it measures wall time and peak memory.
"""
import json, os, sys, time
import duckdb

BUCKET_MINUTES = 5
WEEKS = 4


def file_names(folder):
    """The names of the files under folder, date partitions included."""
    return [n for _, _, files in os.walk(folder) for n in files]


def holds_parquet(names):
    return any(n.endswith('.parquet') for n in names)


def transactions_source(data):
    folder = os.path.join(data, 'transactions')
    names = file_names(folder)
    if holds_parquet(names):
        # Only the columns the work needs are read; the date partitions are a column DuckDB ignores here.
        return f"read_parquet('{folder}/**/*.parquet', hive_partitioning = false)"
    files = [n for n in names if n.endswith('.csv') or n.endswith('.csv.gz')]
    if not files:
        sys.exit(f'{folder}: no Parquet or CSV files')
    # Text as written, typed below with TRY_CAST, as the jobs do (a bad value is a reject, not a failure).
    return (f"read_csv('{folder}/**/*.csv*', header = true, all_varchar = true, "
            f"hive_partitioning = false, union_by_name = true)")


def small_table(data, name):
    """A small input (fx_rates, businesses) as the generator wrote it: Parquet or CSV."""
    folder = os.path.join(data, name)
    if holds_parquet(file_names(folder)):
        return f"read_parquet('{folder}/*.parquet')"
    return f"read_csv('{folder}/*.csv', header = true, delim = ',', quote = '\"', ignore_errors = true)"


def main(data, threads):
    incident = json.load(open(os.path.join(data, 'incident.json')))
    start, end = incident['updates'][0]['at'], incident['updates'][-1]['at']
    con = duckdb.connect()
    con.execute(f'SET threads = {threads}')
    con.execute("SET TimeZone = 'UTC'")
    began = time.time()
    rows = con.execute(f"""
        WITH typed AS (
          SELECT trim(txn_id) AS txn_id, trim(business_id) AS business_id,
                 TRY_CAST(occurred_at AS TIMESTAMPTZ) AS occurred_at,
                 TRY_CAST(amount AS DECIMAL(18, 6)) AS amount,
                 upper(coalesce(nullif(trim(currency), ''), 'USD')) AS currency,
                 lower(coalesce(nullif(trim(status), ''), 'succeeded')) AS status
          FROM {transactions_source(data)}),
        one_per_key AS (
          SELECT txn_id, any_value(business_id) AS business_id, any_value(occurred_at) AS occurred_at,
                 any_value(amount) AS amount, any_value(currency) AS currency, any_value(status) AS status
          FROM typed
          WHERE txn_id <> '' AND business_id <> '' AND occurred_at IS NOT NULL AND amount IS NOT NULL
          GROUP BY txn_id),
        per_bucket AS (
          SELECT b.sector, time_bucket(INTERVAL {BUCKET_MINUTES} MINUTES, t.occurred_at) AS bucket,
                 sum(CAST(t.amount AS DECIMAL(38, 6)) * CAST(f.rate_to_reporting AS DECIMAL(18, 10))) AS value
          FROM one_per_key t
          JOIN {small_table(data, 'fx_rates')} f ON f.currency = t.currency
          JOIN {small_table(data, 'businesses')} b ON b.business_id = t.business_id
          WHERE t.status = 'succeeded'
            AND t.occurred_at >= TIMESTAMPTZ '{start}' - INTERVAL {WEEKS} WEEKS
            AND t.occurred_at < TIMESTAMPTZ '{end}'
          GROUP BY ALL),
        outage AS (
          SELECT sector, bucket, value FROM per_bucket WHERE bucket >= TIMESTAMPTZ '{start}'),
        expected AS (
          SELECT o.sector, o.bucket, o.value,
                 (SELECT coalesce(sum(p.value), 0) FROM per_bucket p
                  WHERE p.sector = o.sector
                    AND p.bucket IN (o.bucket - INTERVAL 1 WEEK, o.bucket - INTERVAL 2 WEEKS,
                                     o.bucket - INTERVAL 3 WEEKS, o.bucket - INTERVAL 4 WEEKS)) / {WEEKS}
                   AS expected
          FROM outage o)
        SELECT sector, sum(expected - value) AS net_loss, count(*) AS buckets
        FROM expected GROUP BY sector ORDER BY sector
    """).fetchall()
    seconds = time.time() - began
    for sector, net_loss, buckets in rows:
        print(f'{sector:<16} net loss {float(net_loss):16,.2f} over {buckets} buckets')
    print(f'duckdb query: {seconds:.1f} s, {threads} threads')


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else os.cpu_count())
