using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace DaprPlatform.TestSupport;

public static class FreeTcpPort
{
    // The OS may hand the same free port out twice in a row once the probe socket closes; a run file built from two
    // such calls then names one port twice. Remembering what this test process already handed out rules that out.
    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();

    /// <summary>A port the OS just handed out on loopback, free at the moment of return and never returned before in this process.</summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (HandedOut.TryAdd(port, true)) { return port; }
        }
    }
}
