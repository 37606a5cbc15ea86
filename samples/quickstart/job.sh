#!/bin/sh
# A stand-in batch job: three steps, then it is done (and the container with it).
for step in 1 2 3; do
    echo "job: step $step of 3"
    sleep 1
done
echo "job: done"
