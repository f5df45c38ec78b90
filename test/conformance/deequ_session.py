"""A local Spark session with Deequ's DQDL evaluator on the class path.

`python deequ_session.py resolve PACKAGES EXCLUDES IVY_DIR` only resolves jars with
Spark's own Ivy client (Maven Central) into IVY_DIR/jars: scripts/install-deequ.sh does
that once, so runs later use the cached jars and never the network.
"""
import glob
import os
import sys

from pyspark.sql import SparkSession


def _builder(app):
    return (
        SparkSession.builder.master("local[2]")
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
    )


def deequ_session(jars_dir):
    jars = sorted(glob.glob(os.path.join(jars_dir, "*.jar")))
    return _builder("seawall-dqdl-conformance").config("spark.jars", ",".join(jars)).getOrCreate()


def resolve(packages, excludes, ivy_dir):
    spark = (
        _builder("seawall-resolve")
        .config("spark.jars.packages", packages)
        .config("spark.jars.excludes", excludes)
        .config("spark.jars.ivy", ivy_dir)
        .getOrCreate()
    )
    spark.stop()


if __name__ == "__main__":
    if sys.argv[1] == "resolve":
        resolve(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        spark = deequ_session(sys.argv[2])
        # Fails here, not in a test, when the evaluator is missing from the jars.
        evaluator = spark.sparkContext._jvm.com.amazon.deequ.dqdl.EvaluateDataQuality
        if type(evaluator).__name__ != "JavaClass":
            raise SystemExit("com.amazon.deequ.dqdl.EvaluateDataQuality is not on the class path")
        print("deequ DQDL evaluator available", flush=True)
        spark.stop()
