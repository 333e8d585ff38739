# The hub as `npm start` runs it, one process a container; replicas are more containers with the
# same DATABASE_URL and IRHUB_SECRET (see compose.yaml and README "Deployment").
FROM node:20-bookworm-slim
WORKDIR /irhub
COPY package.json package-lock.json ./
COPY connectors/sdk/package.json connectors/sdk/package.json
RUN npm ci --ignore-scripts
COPY . .
# the IDE's bundle is built here, then the build-only packages go
RUN npm run build:ide && npm prune --omit=dev && mkdir -p /var/lib/irhub && chown node /var/lib/irhub
ENV PORT=4000 IRHUB_DATA_DIR=/var/lib/irhub IRHUB_DEMO=0
EXPOSE 4000
USER node
# the data directory holds the admin token and, without DATABASE_URL, the embedded database
VOLUME /var/lib/irhub
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# exec form: the SIGTERM of `docker stop` reaches the hub, which drains requests in flight (IRHUB_DRAIN_MS)
CMD ["node", "gateway/bin/irhub.js", "start"]
