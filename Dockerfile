# syntax=docker/dockerfile:1
# modelarts-chatops: multi-stage image. Build with `docker build -t modelarts-chatops .`
# Runtime: Node 22 slim, the bundled bot (dist/main.js) plus its two run-time packages (better-sqlite3, pg), non-root,
# SQLite file on the /data volume by default.

ARG NODE_IMAGE=node:22-slim

# ---- build: bundle src/ into dist/ (needs the dev dependencies: the libraries go into the bundle) ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 falls back to compiling its addon when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts/build.mjs ./scripts/
COPY src ./src
RUN npm run build

# ---- prod-deps: package.json's dependencies, the packages the bundle leaves outside (better-sqlite3, a native addon
# built against this Node, and pg); every other library is inside dist/main.js ----
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    METRICS_PORT=9464 \
    DATABASE_URL=sqlite:/data/modelarts-chatops.db
WORKDIR /app
COPY --from=prod-deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY package.json ./
# The image's built-in unprivileged user; it owns only the data directory.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# 3000: Slack (POST /slack/events) with GET /healthz and GET /readyz. 9464: GET /metrics and GET /health, bound to
# 127.0.0.1 unless METRICS_HOST says otherwise (set METRICS_HOST=0.0.0.0 and publish it only to your Prometheus).
EXPOSE 3000 9464
# Liveness: the process serves. Not /readyz: a restart cures neither a database nor a ModelArts outage, and runtimes
# that restart unhealthy containers (Swarm) would then restart every replica at once. slim has no curl: Node's fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
# The flags are RUNTIME_NODE_FLAGS in tools/demo/bot-process.ts (test/main/entry.test.ts keeps the two equal).
CMD ["node", "--max-semi-space-size=4", "--heap-growing-percent=20", "dist/main.js"]
