#!/bin/sh
# Renders infra/nginx/tablestack.conf.template (the same template ./stack renders in
# infra/local/lib/nginx.sh) for containers. Mounted into the official nginx image as
# /docker-entrypoint.d/40-tablestack-render.sh, which runs it before nginx starts; tests/infra runs it
# too and checks the result with `nginx -t`.
#
# Differences from the local rendering, and why:
# - listen on every interface of the container (port NGINX_PORT), not on 127.0.0.1;
# - one `server <service>:3000` per app: nginx resolves the compose service name to every replica's
#   address when it starts (restart nginx after changing the replica count);
# - no `user` directive: the image's master runs as root and its workers as `nginx`;
# - logs go to the container's stdout/stderr (NGINX_LOG_TO_STDIO=1).
set -eu

template=${NGINX_TEMPLATE:-/etc/nginx/tablestack/tablestack.conf.template}
out=${NGINX_CONF:-/etc/nginx/nginx.conf}
dir=${NGINX_DIR:-/var/cache/nginx/tablestack}
port=${NGINX_PORT:-8080}
stdio=${NGINX_LOG_TO_STDIO:-1}
upstream_port=${TABLESTACK_APP_PORT:-3000}
# Same per-server settings as the local stack.
server_opts="max_fails=2 fail_timeout=5s"

[ -r "$template" ] || { echo "render-nginx-conf: template $template not readable" >&2; exit 1; }

servers() { printf '        server %s:%s %s;' "$1" "$upstream_port" "$server_opts"; }

# The preflight origins map, one '"<origin>" $http_origin;' line per origin of CORS_ORIGINS (the list
# the gateway reads), as infra/local/lib/nginx.sh writes it. Anything but scheme://host[:port] is
# refused: it would end up inside nginx.conf.
cors_lines=$(mktemp)
trap 'rm -f "$cors_lines"' EXIT
for origin in $(printf '%s' "${CORS_ORIGINS:-}" | tr ',' ' '); do
  printf '%s' "$origin" | grep -Eq '^https?://[A-Za-z0-9.-]+(:[0-9]+)?$' ||
    { echo "render-nginx-conf: CORS_ORIGINS: '$origin' is not an origin (scheme://host[:port])" >&2; exit 1; }
  printf '        "%s" $http_origin;\n' "$origin" >>"$cors_lines"
done

tmp=$out.tmp.$$
sed \
  -e "s|@@USER_DIRECTIVE@@|# Workers run as the image's nginx user.|" \
  -e "s|@@NGINX_DIR@@|$dir|g" \
  -e "s|@@LISTEN@@|$port|g" \
  -e "s|^@@SERVERS_GATEWAY@@\$|$(servers "${UPSTREAM_GATEWAY:-gateway}")|" \
  -e "s|^@@SERVERS_USER_SERVICE@@\$|$(servers "${UPSTREAM_USER_SERVICE:-user-service}")|" \
  -e "s|^@@SERVERS_RESTAURANT_SERVICE@@\$|$(servers "${UPSTREAM_RESTAURANT_SERVICE:-restaurant-service}")|" \
  -e "s|^@@SERVERS_WORKER@@\$|$(servers "${UPSTREAM_WORKER:-worker}")|" \
  -e "/^@@CORS_ORIGINS@@\$/{
r $cors_lines
d
}" \
  "$template" >"$tmp"

# A placeholder this script does not know means the template moved on: fail instead of starting
# nginx with a literal @@TOKEN@@ in its config.
if unknown=$(grep -o '@@[A-Z_]*@@' "$tmp" | sort -u | tr '\n' ' ') && [ -n "$unknown" ]; then
  rm -f "$tmp"
  echo "render-nginx-conf: unknown placeholder(s) in $template: $unknown" >&2
  exit 1
fi
mv "$tmp" "$out"

mkdir -p "$dir/logs" "$dir/tmp"
if [ "$stdio" = 1 ]; then
  ln -sf /dev/stdout "$dir/logs/access.log"
  ln -sf /dev/stderr "$dir/logs/error.log"
fi
echo "render-nginx-conf: wrote $out from $template (port $port)"
