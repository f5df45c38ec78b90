# syntax=docker/dockerfile:1
# Seawall operator image: the same built CLI as the npm package (dist/, see ADR 0030),
# its production dependencies, and `seawall` on the PATH — so the image is also the CLI
# for CI jobs (`seawall validate -f -`, `seawall plan`).
#
#   docker build -t seawall:0.1.0 .
#   docker run --rm seawall:0.1.0 iam-policy
#   kubectl kustomize platform/ | docker run --rm -i seawall:0.1.0 validate -f -
#
# Health is checked by the Kubernetes probes (/healthz, /readyz), not a HEALTHCHECK.

ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# --- build: src/ to dist/ with the project's TypeScript compiler ---------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
# --ignore-scripts: no install script runs (the `node` package only pins Node for local
# scripts; the base image provides Node itself).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY src ./src
RUN npm run build

# --- production dependencies -------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# --- runtime --------------------------------------------------------------------------------
FROM ${NODE_IMAGE}
LABEL org.opencontainers.image.title="seawall" \
      org.opencontainers.image.description="Kubernetes operator that keeps an AWS data platform protected, governed and watched" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production
WORKDIR /app
# Files stay owned by root and read-only to the process: the root filesystem can be
# mounted read-only (the operator writes nothing but /tmp, an emptyDir in the Deployment).
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
# The same `seawall` executable an npm install puts on the PATH.
RUN chmod 0555 /app/dist/cli/bin.js \
 && ln -s /app/dist/cli/bin.js /usr/local/bin/seawall
# A numeric non-root user, so Kubernetes can verify runAsNonRoot.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["seawall"]
CMD ["run"]
