"""Runs Deequ's DQDL evaluator (the engine under AWS Glue Data Quality) over the
conformance corpus and writes each rule's outcome, failure reason and metrics as JSON.

    python run_deequ.py JARS_DIR MANIFEST.json OUT.json

The manifest lists datasets (file, format) and their rules. Files are read the way Glue
reads them into Spark: CSV with a header and inferred column types (so a column holding
a non-numeric string is a string column), JSON Lines and Parquet with their own types.
Each rule is evaluated alone, so one rule that throws costs only its own answer.
"""
import json
import os
import sys
import time

from pyspark.sql import DataFrame

from deequ_session import deequ_session


def read(spark, path, fmt):
    if fmt == "csv":
        return spark.read.option("header", True).option("inferSchema", True).csv(path)
    if fmt == "jsonl":
        return spark.read.json(path)
    return spark.read.parquet(path)


def number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def main():
    jars_dir, manifest_path, out_path = sys.argv[1:4]
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    spark = deequ_session(jars_dir)
    spark.sparkContext.setLogLevel("ERROR")
    evaluator = spark.sparkContext._jvm.com.amazon.deequ.dqdl.EvaluateDataQuality
    started = time.time()
    results = {}
    for dataset in manifest["datasets"]:
        path = os.path.join(manifest["dir"], dataset["file"])
        df = read(spark, path, dataset["format"]).cache()
        schema = {f.name: f.dataType.simpleString() for f in df.schema.fields}
        answers = {}
        for rule in dataset["rules"]:
            try:
                jdf = evaluator.process(df._jdf, "Rules = [ %s ]" % rule)
                rows = DataFrame(jdf, spark).collect()
                row = rows[0]
                metrics = {k: number(v) for k, v in (row["EvaluatedMetrics"] or {}).items()}
                answers[rule] = {
                    "outcome": row["Outcome"],
                    "failureReason": row["FailureReason"],
                    "metrics": {k: v for k, v in metrics.items() if v is not None},
                }
            except Exception as error:  # the rule cannot run on Deequ: keep why
                message = str(error).strip().splitlines()
                answers[rule] = {"outcome": "Exception", "failureReason": message[0] if message else "", "metrics": {}}
        results[dataset["name"]] = {"schema": schema, "rules": answers}
        df.unpersist()
        print("deequ: %s (%d rules)" % (dataset["name"], len(dataset["rules"])), file=sys.stderr, flush=True)
    spark.stop()
    with open(out_path + ".tmp", "w", encoding="utf-8") as f:
        json.dump({"key": manifest["key"], "seconds": round(time.time() - started, 1), "datasets": results}, f, indent=1, sort_keys=True)
    os.replace(out_path + ".tmp", out_path)


if __name__ == "__main__":
    main()
