#!/bin/sh
# PING_INTERVAL (seconds, default 1) only speeds up the tests.


while true
do
  echo "pong"
  sleep "${PING_INTERVAL:-1}"
done
