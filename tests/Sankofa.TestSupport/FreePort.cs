using System.Net;
using System.Net.Sockets;

namespace Sankofa.TestSupport;

/// <summary>Loopback ports nobody listens on, for servers and nodes a test or benchmark starts.</summary>
public static class FreePort
{
    /// <summary>A port the system just handed out and released; free unless another process takes it meanwhile.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
