# Read by Debian's gunicorn from the working directory (appDirPath): the port comes from APP_PORT, which `dapr run`,
# DevHost and the container set, so the run file's command stays a plain argument list.
import os

bind = f"0.0.0.0:{os.environ.get('APP_PORT', '5013')}"
# Two processes: a fit holds the GIL for milliseconds, and the second worker keeps /healthz answering meanwhile.
workers = 2
worker_class = "gthread"
threads = 2
# Import numpy/statsmodels once in the master: the forked workers share those pages (~300 MB → ~200 MB resident).
preload_app = True
# The heartbeat file of each worker: /tmp is read-only in the pod (readOnlyRootFilesystem); /dev/shm is memory.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
timeout = 30
# daprd's graceful shutdown is 20 s (k8s/base/app-defaults.yaml); requests here take milliseconds.
graceful_timeout = 5
# No access log: the C# apps do not log every request either (and DevHost probes /healthz every few seconds).
accesslog = None
errorlog = "-"
