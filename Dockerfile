# One image for every part of the hub. By default the whole hub as `npm start` runs it; compose.yaml runs
# the same image as separate services (`irhub subgraphs`, `irhub supergraph --out`, `irhub gateway`),
# each as many containers as wanted with the same DATABASE_URL and IRHUB_SECRET (README "Deployment").
FROM node:20-bookworm-slim
WORKDIR /irhub
COPY package.json package-lock.json ./
COPY connectors/sdk/package.json connectors/sdk/package.json
RUN npm ci --ignore-scripts
COPY . .
# the IDE's bundle is built here, then the build-only packages go
RUN npm run build:ide && npm prune --omit=dev && mkdir -p /var/lib/irhub /supergraph && chown node /var/lib/irhub /supergraph
ENV PORT=4000 IRHUB_DATA_DIR=/var/lib/irhub IRHUB_DEMO=0
# 4000 the gateway; `irhub subgraphs`: 4100-4106 the hub subgraphs, 4200-4299 hosted connectors
EXPOSE 4000 4100-4106 4200-4299
USER node
# the data directory holds the admin token and, without DATABASE_URL, the embedded database (`irhub
# gateway` keeps nothing in it)
VOLUME /var/lib/irhub
# the gateway's readiness (compose.yaml gives the subgraphs service a check of its own)
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# exec form: the SIGTERM of `docker stop` reaches the hub, which drains requests in flight (IRHUB_DRAIN_MS)
CMD ["node", "gateway/bin/irhub.js", "start"]
