# The workspace's Node tools (connect:register) for docker compose one-shots.
ARG NODE_IMAGE
FROM ${NODE_IMAGE}
RUN corepack enable
WORKDIR /mdp
COPY . .
RUN pnpm install --frozen-lockfile
