#!/bin/sh
# A stand-in job worker: takes jobs and reports each; every 25th job fails on stderr.
job=0
while :; do
    job=$((job + 1))
    if [ $((job % 25)) -eq 0 ]; then
        echo "worker $KINESIN_INSTANCE: job $job failed: payment gateway timeout" >&2
    else
        echo "worker $KINESIN_INSTANCE: job $job done"
    fi
    sleep 0.5
done
