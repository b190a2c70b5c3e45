#!/bin/sh
# Writes the sign-up admission's templates (admission-*.conf.template in SOURCE) into TARGET as zone.conf
# and location.conf, with HAMYAR_SIGNUPS_PER_SECOND filled in (a whole number above 0, 100 unless set) and
# HAMYAR_SIGNUPS_WAITING, half of it.
# Used by start.sh, and by the bench and the tests, which run this same nginx configuration.
#
#   render-admission.sh SOURCE TARGET
set -eu

source_dir=$1
target_dir=$2
per_second=${HAMYAR_SIGNUPS_PER_SECOND:-100}
case "$per_second" in
  '' | *[!0-9]* | 0*)
    echo "hamyar proxy: HAMYAR_SIGNUPS_PER_SECOND must be a whole number above 0, not '$per_second'" >&2
    exit 1
    ;;
esac
# Up to half a second's worth wait in nginx: with the time gunicorn takes, every answer within 2 s.
waiting=$(((per_second + 1) / 2))
mkdir -p "$target_dir"
for part in zone location; do
  sed -e "s/\${HAMYAR_SIGNUPS_PER_SECOND}/$per_second/g" -e "s/\${HAMYAR_SIGNUPS_WAITING}/$waiting/g" \
    "$source_dir/admission-$part.conf.template" >"$target_dir/$part.conf"
done
