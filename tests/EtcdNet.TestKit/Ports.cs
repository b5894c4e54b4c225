using System.Net;
using System.Net.Sockets;

namespace EtcdNet.TestKit;

/// <summary>Free loopback ports for servers a test starts.</summary>
public static class Ports
{
    /// <summary>A port the OS just handed out on 127.0.0.1; free unless someone grabs it in between.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
