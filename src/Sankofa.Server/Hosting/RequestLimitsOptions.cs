namespace Sankofa.Server.Hosting;

/// <summary>Bounds on what one request may send (configuration section <c>Limits</c>).</summary>
public sealed class RequestLimitsOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Limits";

    /// <summary>
    /// Bytes a request body may have, on every endpoint. Default 1 MiB: the largest body the API takes, an audit
    /// entry with a 64 Ki-character payload, fits several times over. A larger body is answered 413.
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
