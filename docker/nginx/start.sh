#!/bin/sh
# Entry point of the proxy container: serve HTTPS when a certificate is mounted in /etc/nginx/certs,
# plain HTTP otherwise (TLS then ends at a load balancer in front, which sets X-Forwarded-Proto).
set -eu

CERTS=/etc/nginx/certs
if [ -s "$CERTS/fullchain.pem" ] && [ -s "$CERTS/privkey.pem" ]; then
  site=site-https.conf
else
  site=site-http.conf
fi
echo "hamyar proxy: serving with $site"

# Sign-ups with the web nodes at once: HAMYAR_SIGNUPS_IN_FLIGHT (admission-zone.conf).
/bin/sh /etc/nginx/hamyar/render-admission.sh /etc/nginx/hamyar /etc/nginx/hamyar-admission
# Replaces the image's stock welcome site.
cp "/etc/nginx/hamyar/$site" /etc/nginx/conf.d/default.conf
exec /docker-entrypoint.sh nginx -g 'daemon off;'
