#!/bin/sh
# The image's entrypoint.
#   serve (the default)  become the server on $PORT (8000), which applies pending migrations
#                        before it listens (MIGRATE_ON_START, on unless set to false). In one
#                        process, so Node and the app load once. Replicas that start together
#                        wait on PostgreSQL's advisory lock; a failed migration stops the pod
#                        with one line. `exec` makes Node PID 1: SIGTERM from `docker stop` or
#                        the kubelet reaches the app, which drains and exits 0.
#   cli ARGS...          run a CLI command: `docker run IMAGE cli createuser alice`.
#   anything else        run as given: `docker run -it IMAGE sh`.
set -eu

# The root filesystem is read-only in Kubernetes. Relative paths (the DEBUG demo's
# sqlite:///db.sqlite3 and its .dev-keys/) resolve in a writable directory under /tmp
# (a tmpfs or an emptyDir), never inside the image.
WORK_DIR=/tmp/app
mkdir -p "$WORK_DIR"
cd "$WORK_DIR"

command="${1:-serve}"
[ "$#" -gt 0 ] && shift
case "$command" in
  serve)
    MIGRATE_ON_START="${MIGRATE_ON_START:-true}"
    export MIGRATE_ON_START
    # A 4 MiB young generation (V8 lets it grow to 16): 20-45 MiB less resident memory, idle and
    # under load (same flag as `npm run start:prod`). It goes ahead of the deployment's own
    # NODE_OPTIONS, where a later value wins: a replica applying heavy sync traffic, which pays
    # for it in garbage collection, can set NODE_OPTIONS=--max-semi-space-size=16 (README, Docker).
    NODE_OPTIONS="--max-semi-space-size=4${NODE_OPTIONS:+ $NODE_OPTIONS}"
    export NODE_OPTIONS
    exec node /app/dist/main.js "$@"
    ;;
  cli)
    exec node /app/dist/cli/cli.js "$@"
    ;;
  *)
    exec "$command" "$@"
    ;;
esac
