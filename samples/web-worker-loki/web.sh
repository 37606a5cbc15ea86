#!/bin/sh
# A stand-in web server: an access line per request on stdout, a slow request now and then on stderr.
trap 'echo "web: got SIGTERM, finishing requests"; exit 0' TERM
n=0
while :; do
    n=$((n + 1))
    echo "GET /orders/$n 200 $((n % 50 + 3))ms"
    [ $((n % 10)) -eq 0 ] && echo "slow request: GET /orders/$n took 1.2s" >&2
    sleep 0.2 &
    wait $!
done
