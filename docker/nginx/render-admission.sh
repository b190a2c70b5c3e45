#!/bin/sh
# Writes the sign-up admission's location part (admission-location.conf.template in SOURCE) into
# TARGET/location.conf with HAMYAR_SIGNUPS_IN_FLIGHT filled in: a whole number above 0, 50 unless set.
# Used by start.sh, and by the bench and the tests, which run this same nginx configuration.
#
#   render-admission.sh SOURCE TARGET
set -eu

source_dir=$1
target_dir=$2
in_flight=${HAMYAR_SIGNUPS_IN_FLIGHT:-50}
case "$in_flight" in
  '' | *[!0-9]* | 0*)
    echo "hamyar proxy: HAMYAR_SIGNUPS_IN_FLIGHT must be a whole number above 0, not '$in_flight'" >&2
    exit 1
    ;;
esac
mkdir -p "$target_dir"
sed "s/\${HAMYAR_SIGNUPS_IN_FLIGHT}/$in_flight/g" \
  "$source_dir/admission-location.conf.template" >"$target_dir/location.conf"
