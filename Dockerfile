# Outband API, worker and FCM emulator image (one image, three commands).
# Build: docker build -t outband .   Run: see docker-compose.yml.

FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The postinstall applies patches/ (patch-package) to the installed packages.
COPY patches ./patches
RUN npm ci --no-audit --no-fund
# Sources only: .dockerignore keeps tests, tools, data and node_modules out.
COPY . .
# Compile to dist/ and pre-bundle the workflows, so no webpack runs at worker start-up.
RUN npm run build && npm prune --omit=dev

FROM node:20.20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./
# Test authenticators only (their attestation key is public): with NODE_ENV=production the worker
# refuses them unless UAF_ALLOW_TEST_AUTHENTICATORS=true; mount your own and set UAF_METADATA_DIR.
COPY metadata ./metadata
# The image's own unprivileged user; nothing in /app is writable by it.
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "api/main.js"]
