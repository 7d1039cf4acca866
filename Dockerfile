# mimo-code GitHub App. Multi-stage: compile TypeScript, install production dependencies, then a slim runtime.
# The app talks to a Docker engine for the sandboxes: mount the engine's socket or set DOCKER_HOST (docs/deploy.md).
# BASE is any Debian-based image with Node >= 20.18 and npm: the official node image by default; CI builds it from a
# base of its own (debootstrap + Debian's nodejs), see test/deploy/dockerfile.test.ts.
ARG BASE=node:20-bookworm-slim

FROM ${BASE} AS build
# better-sqlite3 compiles from source where no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && touch dist/.build-stamp && npm prune --omit=dev --no-audit --no-fund

FROM ${BASE} AS runtime
# git runs on the host side of the sandbox (clone, commit, push). Runner images are built on the engine host
# (`mimo images build` as root: debootstrap needs it), see docs/deploy.md.
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && (id node >/dev/null 2>&1 || useradd --create-home --uid 1000 --user-group node)
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY scripts ./scripts
COPY bin ./bin
# bin/mimo.js checks dist/ against src/ and the build config before it runs (scripts/ensure-built.js).
COPY tsconfig.json tsconfig.build.json ./
COPY app.yml ./
# The source tree is not shipped: ensure-built sees dist/ as current through the stamp file.
RUN mkdir -p src data && chown -R node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/app/main.js"]
