using System.Net;
using System.Net.Sockets;

namespace DaprPlatform.TestSupport;

public static class FreeTcpPort
{
    /// <summary>A port the OS just handed out on loopback; free at the moment of return.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
