# syntax=docker/dockerfile:1
# Attune runner: runs published pipelines and live previews on onnxruntime-node (CPU).
# Build from the repo root:  docker build -f docker/runner.Dockerfile -t attune-runner .
# glibc base on purpose: onnxruntime-node ships no musl (Alpine) binaries.
ARG NODE_IMAGE=node:20-bookworm-slim

# 1. A workspace pruned to the runner and the packages it imports.
FROM ${NODE_IMAGE} AS prune
WORKDIR /src
COPY . .
RUN npx --yes turbo@2.11.11 prune @attune/runner --docker

# 2. Install exactly as CI does (npm ci with the project's .npmrc), then prepare the models.
FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Manifests and lockfile first, so the dependency layer is cached across source edits.
COPY --from=prune /src/out/json/ ./
COPY --from=prune /src/out/package-lock.json ./package-lock.json
COPY .npmrc tsconfig.base.json ./
RUN npm ci --no-audit --no-fund
COPY --from=prune /src/out/full/ ./
COPY .npmrc tsconfig.base.json ./
# The runner runs its TypeScript through tsx (no build step); typecheck it like CI does.
RUN npx turbo run typecheck --filter=@attune/runner --output-logs=errors-only
# Converted once here so the first start is fast; the runner re-checks (sha256) at start and fills
# an empty volume the same way.
ENV ATTUNE_MODELS_DIR=/data/models
RUN node --import tsx packages/models/scripts/prepare.ts

# 3. Runtime: the built workspace, a non-root user, state on /data.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    ATTUNE_DB_PATH=/data/attune.db \
    ATTUNE_MODELS_DIR=/data/models \
    RUNNER_HOST=0.0.0.0 \
    RUNNER_PORT=4100
WORKDIR /app
COPY --from=build --chown=node:node /app /app
COPY --from=build --chown=node:node /data /data
USER node
VOLUME /data
EXPOSE 4100
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.RUNNER_PORT||4100)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
WORKDIR /app/apps/runner
CMD ["node", "--import", "tsx", "src/main.ts"]
