# syntax=docker/dockerfile:1
# Seawall operator image. Node 24 runs the TypeScript sources directly (type stripping):
# no build step, so the image holds src/ and the production dependencies only.
#
#   docker build -t seawall:0.1.0 .
#   docker run --rm seawall:0.1.0 iam-policy
#
# Health is checked by the Kubernetes probes (/healthz, /readyz), not a HEALTHCHECK.

ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# --- production dependencies -------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no install script runs (the `node` package only pins Node for local
# scripts; the base image provides Node itself).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
 && rm -rf node_modules/node node_modules/.bin/node

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
COPY src ./src
# A numeric non-root user, so Kubernetes can verify runAsNonRoot.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["node", "src/cli/main.ts"]
CMD ["run"]
