"""The streaming job's entry point for spark-submit (a Spark standalone cluster: the stack's
cluster profile); run-job.sh ships the mdp_spark package beside it with --py-files."""

import sys

from mdp_spark.main import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
