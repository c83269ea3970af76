# syntax=docker/dockerfile:1
# One image for both processes: the bot (default command) and the host worker
# (command: node dist/workers/host-worker.js). Build: docker build -t vnetops .

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY workers workers
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
# iproute2: the worker reads bridge state and watches links with ip and bridge.
RUN apt-get update \
  && apt-get install -y --no-install-recommends iproute2 \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY config config
# The bot needs no privileges; the worker service runs as root for the libvirt socket (see docker-compose.yml).
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.VNETOPS_SLACK_PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/bot.js"]
