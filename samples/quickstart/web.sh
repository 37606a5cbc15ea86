#!/bin/sh
# A stand-in web server: serves "requests" until it is asked to stop.
trap 'echo "web: got SIGTERM, finishing requests"; exit 0' TERM
n=0
while :; do
    n=$((n + 1))
    echo "web: served request $n"
    sleep 0.5 &
    wait $!
done
