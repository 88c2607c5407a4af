# syntax=docker/dockerfile:1
# One image for every onramp service; the compose file and the ECS hosts pick the service by its entry,
# `node services/<name>/dist/main.js`, and run `node bin/onramp.js migrate` once before them.
#
# Node 22: the oldest LTS every dependency accepts (fastify's light-my-request needs cookie@2 and
# @fastify/static needs content-disposition@3, both `engines: node >= 22`). Development on Node 20.11+
# still works (the suite passes there), but the image is what runs in production.

FROM node:22-bookworm-slim AS build
# hnswlib-node (the embedded search backend's index) is a native addon built by node-gyp on install.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY bin ./bin
COPY packages ./packages
COPY services ./services
COPY deploy/docker/runtime-files.sh ./deploy/docker/
RUN npm ci && npm run build
# Only what runs: manifests, compiled output, bins and the production node_modules, native modules
# included (the runtime stage has no compiler and runs no install scripts).
RUN sh deploy/docker/runtime-files.sh /app /out

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    ONRAMP_HOME=/var/lib/onramp
WORKDIR /app
COPY --from=build --chown=root:root /out ./
# The code is root's and read-only to the service; only ONRAMP_HOME is the service's to write.
RUN mkdir -p /var/lib/onramp && chown node:node /var/lib/onramp
USER node
EXPOSE 8080 8081
# The default command is the all-in-one `onramp start`, whose ingest answers /healthz on INGEST_PORT;
# compose sets each service's own check (consumers have no port: a dead consumer stops its container).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=6 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.INGEST_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/onramp.js", "start"]
