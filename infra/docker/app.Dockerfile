# syntax=docker/dockerfile:1
# One image per app, from the repo root: docker build -f infra/docker/app.Dockerfile --build-arg APP=gateway .
# APP is gateway | user-service | restaurant-service | worker. docker-compose.scaling.yml builds all four,
# and the `migrate` target (prisma migrate deploy) from the worker's pruned workspace.
#
# Stages: prune (turbo prune --docker: only APP and the workspace packages it needs) -> build (install
# from the pruned lockfile, turbo build) -> production (a fresh --prod install of the same lockfile plus
# the built dist folders, on Node 20 slim, as the unprivileged `node` user).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
# Must match "packageManager" in package.json and turbo in its devDependencies.
RUN npm install -g pnpm@10.34.8 turbo@2.11.11 && npm cache clean --force
ENV TURBO_TELEMETRY_DISABLED=1 CI=true

FROM base AS prune
ARG APP
WORKDIR /src
COPY . .
RUN test -n "$APP" && test -d "apps/$APP" || { echo "build arg APP must name a folder of apps/ (got '$APP')" >&2; exit 1; }
RUN turbo prune "@tablestack/$APP" --docker --out-dir /out

FROM base AS build
ARG APP
WORKDIR /repo
# Manifests and the pruned lockfile first: the install layer is reused until a dependency changes.
COPY --from=prune /out/json/ ./
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store \
    pnpm install --frozen-lockfile
COPY --from=prune /out/full/ ./
# turbo prune does not copy the shared compiler settings that every tsconfig extends.
COPY tsconfig.base.json ./
RUN pnpm turbo run build --filter="@tablestack/$APP"

# One-shot migrations (compose service `migrate`): the Prisma CLI is a devDependency of packages/db,
# so this stage keeps the full install. Runs against the primary directly (DATABASE_URL).
FROM build AS migrate
WORKDIR /repo/packages/db
USER node
CMD ["node", "scripts/prisma.mjs", "migrate", "deploy"]

FROM build AS production-deps
# Drop every devDependency: a clean --prod install of the same lockfile, from the store filled above.
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store \
    rm -rf node_modules apps/*/node_modules packages/*/node_modules \
 && pnpm install --prod --frozen-lockfile --prefer-offline

FROM ${NODE_IMAGE} AS production
ARG APP
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
# Files stay owned by root: the app user can read but not change its own code.
COPY --from=production-deps /repo /app
WORKDIR /app/apps/${APP}
USER node
EXPOSE 3000
# Liveness only (/health answers while the process serves); compose checks readiness (/ready).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node directly (PID 1 gets SIGTERM and runs the graceful shutdown), no npm/pnpm wrapper.
CMD ["node", "dist/index.js"]
