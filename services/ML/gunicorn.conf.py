# Read by Debian's gunicorn from the working directory (appDirPath): the port comes from APP_PORT, which `dapr run`,
# DevHost and the container set, so the run file's command stays a plain argument list.
import os

bind = f"0.0.0.0:{os.environ.get('APP_PORT', '5013')}"
# Two processes: a fit holds the GIL for milliseconds, and the second worker keeps /healthz answering meanwhile.
workers = 2
worker_class = "gthread"
threads = 2
timeout = 30
# daprd's graceful shutdown is 20 s (k8s/base/app-defaults.yaml); requests here take milliseconds.
graceful_timeout = 5
accesslog = "-"
errorlog = "-"
