namespace Sankofa.Server.Hosting;

/// <summary>
/// The reverse proxies in front of the server (configuration section <c>ForwardedHeaders</c>). Only a request from
/// one of them has its <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> honoured; from anyone else the headers
/// are ignored, since they would let a client choose the address and scheme the server believes.
/// </summary>
public sealed class ProxyOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of the proxies, for example <c>10.0.0.5</c>. Empty by default: forwarded headers are ignored.</summary>
    public List<string> KnownProxies { get; } = [];

    /// <summary>Networks the proxies are in, in CIDR notation, for example <c>10.0.0.0/24</c>. Empty by default.</summary>
    public List<string> KnownNetworks { get; } = [];
}
