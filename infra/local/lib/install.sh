# shellcheck shell=bash
# Installs what is missing (pnpm, Debian packages, node_modules, maildev) and builds the workspace.
# Every step is idempotent: when everything is there, it costs a few seconds and changes nothing.

PNPM_VERSION=10.34.8 # must match "packageManager" in the root package.json
# 2.2.1, not 2.2.0: 2.2.0 crashes as soon as its SMTP server listens (ReferenceError: host is not
# defined, lib/mailserver.js); 2.2.1 is the same release with that line fixed.
MAILDEV_VERSION=2.2.1

find_binaries() {
  PG_BIN=""
  local d
  # Prefer 15 (what Debian 12 ships and what the project targets), else the newest one installed.
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    if [[ -x $d/postgres ]]; then PG_BIN=$d; [[ $d == */15/bin ]] && break; fi
  done
  REDIS_SERVER=$(command -v redis-server || true)
  REDIS_CLI=$(command -v redis-cli || true)
  NGINX_BIN=$(command -v nginx || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true)
  PROMETHEUS_BIN=$(command -v prometheus || true)
  PROMTOOL_BIN=$(command -v promtool || true) # same package
}

ensure_pnpm() {
  command -v pnpm >/dev/null && return 0
  npm i -g "pnpm@$PNPM_VERSION" >>"$LOG_DIR/install.log" 2>&1 ||
    die "npm i -g pnpm@$PNPM_VERSION failed; check access to the npm registry" "$LOG_DIR/install.log"
  command -v pnpm >/dev/null || die "pnpm was installed but is not on PATH (npm prefix: $(npm prefix -g)/bin)"
}

# Debian packages of the servers (and of the tools we use to talk to them) that are missing.
missing_packages() {
  find_binaries
  local pkgs=()
  if [[ -z $PG_BIN ]]; then
    pkgs+=(postgresql postgresql-contrib)
  elif [[ ! -f $("$PG_BIN/pg_config" --sharedir 2>/dev/null)/extension/pg_trgm.control ]]; then
    pkgs+=(postgresql-contrib) # pg_trgm, cube/earthdistance, ... for search and "near me"
  fi
  [[ -n $REDIS_SERVER && -n $REDIS_CLI ]] || pkgs+=(redis-server)
  [[ -n $NGINX_BIN ]] || pkgs+=(nginx)
  [[ -n $PROMETHEUS_BIN && -n $PROMTOOL_BIN ]] || pkgs+=(prometheus)
  command -v curl >/dev/null || pkgs+=(curl)
  command -v ss >/dev/null || pkgs+=(iproute2)
  if ((${#pkgs[@]} > 0)); then printf '%s\n' "${pkgs[@]}"; fi
}

ensure_system_packages() {
  local pkgs log=$LOG_DIR/install.log
  mapfile -t pkgs < <(missing_packages)
  if ((${#pkgs[@]} > 0)); then
    ((EUID == 0)) || die "missing ${pkgs[*]}; run as root or: sudo apt-get install ${pkgs[*]}"
    command -v apt-get >/dev/null || die "missing ${pkgs[*]} and apt-get is not available; install them and retry"
    step "system packages" "installing ${pkgs[*]} (apt-get, a minute or two)"
    apt_install "${pkgs[@]}" >>"$log" 2>&1 ||
      die "apt-get install ${pkgs[*]} failed; see $(rel "$log")" "$log"
    mapfile -t pkgs < <(missing_packages)
    ((${#pkgs[@]} == 0)) || die "still missing after apt-get: ${pkgs[*]}; see $(rel "$log")" "$log"
    # missing_packages ran in a subshell: look the new binaries up again in this one.
    find_binaries
  fi
  step "system packages" "ok (postgres $("$PG_BIN/postgres" --version | awk '{print $3}'), redis $("$REDIS_SERVER" --version | grep -oE 'v=[0-9.]+' | cut -c3-), nginx $("$NGINX_BIN" -v 2>&1 | grep -oE '[0-9]+\.[0-9.]+'), prometheus $("$PROMETHEUS_BIN" --version 2>&1 | grep -m1 -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n1))"
}

# apt_install PKG...: install without letting the packages start their system services (we run our
# own processes on private ports): a policy-rc.d that answers 101 ("action forbidden") makes
# invoke-rc.d skip every start. An existing policy-rc.d is left as it is.
apt_install() {
  local policy=/usr/sbin/policy-rc.d created="" rc=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# Temporary, from ./stack: do not start services during apt-get install.\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created=1
  fi
  {
    DEBIAN_FRONTEND=noninteractive apt-get update &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
  } </dev/null || rc=$?
  [[ -z $created ]] || rm -f "$policy"
  return "$rc"
}

# node_modules from the lockfile. --frozen-lockfile when there is one (CI must build what was
# committed); without one, pnpm writes it. confirmModulesPurge=false: never stop to ask on a non-TTY.
ensure_node_modules() {
  local log=$LOG_DIR/install.log lock=--frozen-lockfile
  [[ -f $STACK_ROOT/pnpm-lock.yaml ]] || lock=--no-frozen-lockfile
  (cd "$STACK_ROOT" && pnpm install "$lock" --config.confirmModulesPurge=false) >>"$log" 2>&1 </dev/null ||
    die "pnpm install $lock failed (lockfile out of date? run pnpm install and commit the lockfile); see $(rel "$log")" "$log"
  step "dependencies" "ok (pnpm install $lock)"
}

# maildev lives outside the workspace (in .stack/tools, shared by both modes): it is a tool of the
# stack, not a dependency of any package.
ensure_maildev() {
  local pkg=$TOOLS_DIR/node_modules/maildev/package.json
  if [[ ! -f $pkg ]] || ! grep -q "\"version\": \"$MAILDEV_VERSION\"" "$pkg"; then
    mkdir -p "$TOOLS_DIR"
    npm i --prefix "$TOOLS_DIR" --no-audit --no-fund --loglevel=error "maildev@$MAILDEV_VERSION" \
      >>"$LOG_DIR/install.log" 2>&1 </dev/null ||
      die "npm i maildev@$MAILDEV_VERSION failed; check access to the npm registry" "$LOG_DIR/install.log"
  fi
}

install_all() {
  ensure_pnpm
  ensure_system_packages
  ensure_maildev
  ensure_node_modules
}

build_all() {
  local log=$LOG_DIR/build.log summary
  : >"$log"
  (cd "$STACK_ROOT" && pnpm turbo run build) >>"$log" 2>&1 </dev/null ||
    die "build failed (pnpm turbo run build); see $(rel "$log")" "$log"
  # Turbo ends with "Tasks: 5 successful, 5 total" and "Cached: 3 cached, 5 total".
  summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^ *(Tasks|Cached): ' | sed -E 's/^ *//; s/ +/ /g' | paste -sd';' - | sed 's/;/; /' || true)
  step "build" "ok (${summary:-no tasks})"
}
