# syntax=docker/dockerfile:1
# One image for every onramp service; the compose file and the ECS hosts pick the service by its entry,
# `node services/<name>/dist/main.js`, and run `node bin/onramp.js migrate` once before them.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY bin ./bin
COPY packages ./packages
COPY services ./services
RUN npm ci && npm run build
# Keep only what runs: manifests, compiled output and package bins, not sources or tests.
RUN mkdir -p /out && cp package.json package-lock.json /out/ && cp -r bin /out/ \
 && for dir in packages/* services/*; do \
      mkdir -p "/out/$dir" && cp "$dir/package.json" "/out/$dir/" && cp -r "$dir/dist" "/out/$dir/"; \
      if [ -d "$dir/bin" ]; then cp -r "$dir/bin" "/out/$dir/"; fi; \
    done

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /out ./
# Production dependencies only; scripts stay off (the root `prepare` compiles, which is done).
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force \
 && mkdir -p /var/lib/onramp && chown node:node /var/lib/onramp
ENV ONRAMP_HOME=/var/lib/onramp
USER node
EXPOSE 8080 8081
CMD ["node", "bin/onramp.js", "start"]
