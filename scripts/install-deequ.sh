#!/usr/bin/env bash
# Installs Deequ's DQDL evaluator (the engine under AWS Glue Data Quality) for the
# conformance suite: PySpark from PyPI in a virtualenv, and the deequ and dqdl jars from
# Maven Central, resolved by Spark's own Ivy client into the cache. Once per version,
# cached under $SEAWALL_CACHE (default ~/.cache/seawall). Needs Java 17.
# Prints the virtualenv's python on its last line.
set -euo pipefail

PYSPARK_VERSION="${SEAWALL_PYSPARK_VERSION:-3.5.9}"
DEEQU_VERSION="${SEAWALL_DEEQU_VERSION:-2.1.0-spark-3.5}"
DQDL_VERSION="${SEAWALL_DQDL_VERSION:-1.0.0}"
CACHE="${SEAWALL_CACHE:-$HOME/.cache/seawall}"
home="$CACHE/deequ/pyspark-$PYSPARK_VERSION-deequ-$DEEQU_VERSION-dqdl-$DQDL_VERSION"
venv="$home/venv"

if [[ -x "$venv/bin/python" && -f "$home/.complete" ]]; then
  echo "$venv/bin/python"
  exit 0
fi

# A half-made install (cut short) is rebuilt from scratch.
rm -rf "$home"
mkdir -p "$home"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "pyspark==$PYSPARK_VERSION" >&2
# Resolve the jars now (Spark's Ivy client, Maven Central), so a test run never downloads.
# Deequ's pom names Spark and Scala as provided (PySpark brings them) and dqdl 1.0.7, which
# Maven Central does not serve: dqdl comes in by its own coordinate, in a second resolve.
session="$(dirname "$0")/../test/conformance/deequ_session.py"
"$venv/bin/python" "$session" resolve "com.amazon.deequ:deequ:$DEEQU_VERSION" \
  "org.apache.spark:*,org.scala-lang:*,software.amazon.glue:dqdl" "$home/ivy" >&2
"$venv/bin/python" "$session" resolve "software.amazon.glue:dqdl:$DQDL_VERSION" \
  "org.apache.spark:*,org.scala-lang:*" "$home/ivy" >&2
"$venv/bin/python" "$session" check "$home/ivy/jars" >&2
touch "$home/.complete"
echo "$venv/bin/python"
