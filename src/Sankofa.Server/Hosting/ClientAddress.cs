using System.Net;
using System.Net.Sockets;

namespace Sankofa.Server.Hosting;

/// <summary>The client's address as the per-address limits count it (password checks, the chain's read-only endpoint).</summary>
internal static class ClientAddress
{
    /// <summary>
    /// The connection's address (the forwarded-headers middleware puts the client's there behind a proxy); an IPv6
    /// client by its /64, which one host can fill with addresses at will.
    /// </summary>
    public static string Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Connection.RemoteIpAddress is not { } address)
        {
            return string.Empty;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
