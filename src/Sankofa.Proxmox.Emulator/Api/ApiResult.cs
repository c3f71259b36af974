using System.Text.Json.Nodes;

namespace Sankofa.Proxmox.Emulator.Api;

/// <summary>What an endpoint answers: Proxmox's <c>{"data": …}</c> envelope, or an error with its status line message and parameter errors.</summary>
internal sealed record ApiResult(int Status, JsonNode? Data, string? Message = null, IReadOnlyDictionary<string, string>? Errors = null)
{
    public static ApiResult Ok(JsonNode? data) => new(200, data);

    /// <summary>400 "Parameter verification failed." with one message per parameter, as Proxmox's schema check answers.</summary>
    public static ApiResult InvalidParameters(IReadOnlyDictionary<string, string> errors) => new(400, null, "Parameter verification failed.", errors);

    public static ApiResult InvalidParameter(string name, string message) => InvalidParameters(new Dictionary<string, string> { [name] = message });

    /// <summary>Most failures inside a Proxmox handler are a <c>die</c>, which the API server turns into a 500 with the message.</summary>
    public static ApiResult Failure(string message) => new(500, null, message);

    public static ApiResult NotConfigured(string node, int vmId) =>
        Failure($"Configuration file 'nodes/{node}/qemu-server/{vmId}.conf' does not exist");

    public static ApiResult Unauthorized(string message) => new(401, null, message);

    public static ApiResult NodeUnreachable() => new(595, null, "No route to host");

    public static ApiResult NotImplemented(string method, string path) => new(501, null, $"Method '{method} {path}' not implemented");
}

/// <summary>A validated request: path parameters merged with query and body parameters.</summary>
internal sealed record ApiRequest(string Method, string Path, IReadOnlyDictionary<string, string> Parameters, string User)
{
    public string this[string name] => Parameters[name];

    public string? Optional(string name) => Parameters.GetValueOrDefault(name);

    public int Int(string name) => int.Parse(Parameters[name], System.Globalization.CultureInfo.InvariantCulture);

    public bool Flag(string name) => Parameters.TryGetValue(name, out var v) && Schema.ApiMethod.ParseBoolean(v) == true;
}
