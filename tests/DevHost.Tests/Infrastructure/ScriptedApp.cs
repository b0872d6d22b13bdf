namespace DaprPlatform.DevHost.Tests.Infrastructure;

/// <summary>
/// A real app process for DevHost to start and stop: a Python HTTP server on $APP_PORT that prints "app: METHOD /path"
/// for every request and "app: SIGTERM" / "app: SIGINT" when signalled (then exits), so the order of what it saw
/// is in DevHost's output. GET /healthz answers 200 while a file "healthy" exists in its folder, else 503;
/// GET /dapr/subscribe and GET /dapr/config answer the files dapr-subscribe.json / dapr-config.json (404 without);
/// anything else is 200.
/// </summary>
public static class ScriptedApp
{
    public const string FileName = "app.py";

    public const string Script = """
        import http.server, os, signal, sys

        def say(line):
            print("app: " + line, flush=True)

        def on_signal(name, code):
            def handler(*_):
                say(name)
                os._exit(code)
            return handler

        signal.signal(signal.SIGTERM, on_signal("SIGTERM", 0))
        signal.signal(signal.SIGINT, on_signal("SIGINT", 130))

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def answer(self, status, body=b""):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                say(self.command + " " + self.path)
                if self.path == "/healthz":
                    return self.answer(200 if os.path.exists("healthy") else 503)
                if self.path in ("/dapr/subscribe", "/dapr/config"):
                    name = self.path[1:].replace("/", "-") + ".json"
                    if os.path.exists(name):
                        with open(name, "rb") as f:
                            return self.answer(200, f.read())
                    return self.answer(404)
                self.answer(200)

            do_GET = do_POST = do_PUT = do_DELETE = handle_any

        http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["APP_PORT"])), Handler).serve_forever()
        """;

    /// <summary>The run file lines of one app running the script from ./<paramref name="appId"/>, plus <paramref name="extra"/> keys.</summary>
    public static string RunFileApp(string appId, int appPort, int httpPort, string extra = "") => $"""
          - appID: {appId}
            appDirPath: ./{appId}
            appPort: {appPort}
            daprHTTPPort: {httpPort}
            daprGRPCPort: {FreeTcpPort.Next()}
            command: ["python3", "-u", "{FileName}"]
        {extra}
        """;
}
