# syntax=docker/dockerfile:1
# Attune studio: the Next.js builder UI, its tRPC API, and /v1/* proxied to the runner.
# Build from the repo root:  docker build -f docker/studio.Dockerfile -t attune-studio .
ARG NODE_IMAGE=node:20-bookworm-slim

# 1. A workspace pruned to the studio and the packages it imports.
FROM ${NODE_IMAGE} AS prune
WORKDIR /src
COPY . .
RUN npx --yes turbo@2.11.11 prune @attune/studio --docker

# 2. Install and build exactly as CI does: npm ci with the project's .npmrc, then turbo build.
FROM ${NODE_IMAGE} AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
ENV NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
COPY --from=prune /src/out/json/ ./
COPY --from=prune /src/out/package-lock.json ./package-lock.json
COPY .npmrc tsconfig.base.json ./
RUN npm ci --no-audit --no-fund
COPY --from=prune /src/out/full/ ./
COPY .npmrc tsconfig.base.json ./
RUN npx turbo run build --filter=@attune/studio --output-logs=errors-only

# 3. Runtime: non-root, listening on all interfaces inside the container, which the studio only
# agrees to with ATTUNE_ADMIN_SECRET set (apps/studio/src/env.ts refuses to start otherwise).
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    ATTUNE_DB_PATH=/data/attune.db \
    ATTUNE_HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/login').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
WORKDIR /app/apps/studio
CMD ["sh", "-c", "exec node /app/node_modules/next/dist/bin/next start -H \"$ATTUNE_HOST\" -p \"$PORT\""]
