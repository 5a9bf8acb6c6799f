#!/bin/sh
# The image's entrypoint.
#   serve (the default)  apply pending migrations, then become the server on $PORT (8000).
#                        Replicas that start together wait on PostgreSQL's advisory lock, so
#                        every pod can migrate. `exec` makes Node PID 1: SIGTERM from
#                        `docker stop` or the kubelet reaches the app, which drains and exits 0.
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
    node /app/dist/cli/cli.js migrate
    exec node /app/dist/main.js "$@"
    ;;
  cli)
    exec node /app/dist/cli/cli.js "$@"
    ;;
  *)
    exec "$command" "$@"
    ;;
esac
