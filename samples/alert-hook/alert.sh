#!/bin/sh
# A post-death hook: appends the facts kinesin put in its environment to $ALERT_LOG, one
# line per call. What it prints goes to kinesin's log, labelled hook:flaky:alert.sh.
log=${ALERT_LOG:-/tmp/kinesin-alerts.log}
if [ -n "$KINESIN_EXIT_STATUS" ]; then
    line="$KINESIN_AT kinesin exiting: status=$KINESIN_EXIT_STATUS reason=\"$KINESIN_REASON\""
else
    line="$KINESIN_AT $KINESIN_SERVICE.$KINESIN_INSTANCE pid=$KINESIN_PID exit_code=$KINESIN_EXIT_CODE signal=$KINESIN_SIGNAL"
    line="$line deaths=$KINESIN_DEATHS will_restart=$KINESIN_WILL_RESTART state=$KINESIN_STATE coalesced=$KINESIN_COALESCED"
fi
echo "$line" >> "$log"
echo "alert recorded in $log"
