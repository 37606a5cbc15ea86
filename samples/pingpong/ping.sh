#!/bin/sh
# PING_INTERVAL (seconds, default 1) only speeds up the tests.

count=0

while [ $count -le 5 ]
do
  sleep "${PING_INTERVAL:-1}"
  echo "ping"
  count=$(( count + 1 ))
done
