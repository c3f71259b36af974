using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sankofa.Proxmox.Tls;

namespace Sankofa.Proxmox.Api;

/// <summary>
/// A client of one Proxmox VE cluster's REST API (<c>/api2/json</c>): API token or ticket authentication, the
/// <c>{"data": …}</c> envelope, worker tasks followed by UPID, and errors mapped to <see cref="ProxmoxApiException"/>
/// subclasses. Thread-safe; one instance per cluster. Operations that start a worker task return its UPID; pass it to
/// <see cref="WaitForTaskAsync"/>.
/// </summary>
public sealed partial class ProxmoxClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowReadingFromString };

    private readonly ProxmoxClusterOptions _options;
    private readonly HttpClient _http;
    private readonly Uri _apiRoot;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TicketSession? _tickets;
    private readonly TaskDurations _taskDurations = new();

    /// <summary>Creates a client; the options are validated first.</summary>
    /// <param name="clusterId">The cluster's id, used in messages and logs.</param>
    /// <param name="options">Endpoint, credentials, timeouts and TLS settings.</param>
    /// <param name="timeProvider">Clock for polling and ticket age; default the system clock.</param>
    /// <param name="logger">Logger; default none.</param>
    /// <exception cref="ProxmoxConfigurationException">The options are incomplete or contradictory.</exception>
    public ProxmoxClient(string clusterId, ProxmoxClusterOptions options, TimeProvider? timeProvider = null, ILogger<ProxmoxClient>? logger = null)
        : this(clusterId, options, timeProvider, logger, wrapHandler: null)
    {
    }

    /// <summary>Test seam: <paramref name="wrapHandler"/> may put a handler (a request recorder) in front of the transport.</summary>
    internal ProxmoxClient(string clusterId, ProxmoxClusterOptions options, TimeProvider? timeProvider, ILogger? logger, Func<HttpMessageHandler, HttpMessageHandler>? wrapHandler)
    {
        ArgumentNullException.ThrowIfNull(options);
        ProxmoxConfigurationException.Validate(clusterId, options);
        ClusterId = clusterId;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _apiRoot = ToApiRoot(options.BaseUrl!);

        var transport = new SocketsHttpHandler
        {
            // The ticket travels as an explicit Cookie header, so the handler must not manage cookies itself.
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 8,
        };
        if (CertificatePinning.Callback(options) is { } callback)
        {
            transport.SslOptions.RemoteCertificateValidationCallback = callback;
        }

        _http = new HttpClient(wrapHandler?.Invoke(transport) ?? transport) { Timeout = options.RequestTimeout };
        if (string.IsNullOrEmpty(options.TokenId))
        {
            _tickets = new TicketSession(this, options.Username!, options.Password!, options.TicketRenewalAge, _time);
        }
    }

    /// <summary>The cluster's id.</summary>
    public string ClusterId { get; }

    /// <summary>The API root requests go to, ending in <c>/api2/json/</c>.</summary>
    public Uri ApiRootUrl => _apiRoot;

    /// <summary>The Proxmox VE version (<c>GET /version</c>); a cheap authenticated liveness check.</summary>
    public async Task<string> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        var data = await SendAsync(HttpMethod.Get, "version", null, cancellationToken).ConfigureAwait(false);
        return data.GetProperty("version").GetString() ?? "";
    }

    /// <summary>A free VM id (<c>GET /cluster/nextid</c>); with <paramref name="preferred"/>, that id if it is free.</summary>
    /// <exception cref="ProxmoxConflictException"><paramref name="preferred"/> is taken.</exception>
    public async Task<int> GetNextIdAsync(int? preferred = null, CancellationToken cancellationToken = default)
    {
        var parameters = preferred is { } id ? new Params { ["vmid"] = Int(id) } : null;
        var data = await SendAsync(HttpMethod.Get, "cluster/nextid", parameters, cancellationToken).ConfigureAwait(false);
        // Proxmox returns the id as a string.
        return data.ValueKind == JsonValueKind.String ? int.Parse(data.GetString()!, CultureInfo.InvariantCulture) : data.GetInt32();
    }

    /// <summary>The cluster's nodes (<c>GET /nodes</c>).</summary>
    public async Task<IReadOnlyList<ProxmoxNode>> GetNodesAsync(CancellationToken cancellationToken = default) =>
        Deserialize<List<ProxmoxNode>>(await SendAsync(HttpMethod.Get, "nodes", null, cancellationToken).ConfigureAwait(false));

    /// <summary>A node's status (<c>GET /nodes/{node}/status</c>) as raw JSON: memory, cpuinfo, uptime, versions.</summary>
    public async Task<JsonElement> GetNodeStatusAsync(string node, CancellationToken cancellationToken = default) =>
        await SendAsync(HttpMethod.Get, $"nodes/{Seg(node)}/status", null, cancellationToken).ConfigureAwait(false);

    /// <summary>Every VM and template of the cluster (<c>GET /cluster/resources?type=vm</c>), qemu only.</summary>
    public async Task<IReadOnlyList<ProxmoxVmResource>> GetVmResourcesAsync(CancellationToken cancellationToken = default)
    {
        var data = await SendAsync(HttpMethod.Get, "cluster/resources", new Params { ["type"] = "vm" }, cancellationToken).ConfigureAwait(false);
        return [.. data.EnumerateArray()
            .Where(e => e.TryGetProperty("type", out var t) && t.GetString() == "qemu")
            .Select(e => e.Deserialize<ProxmoxVmResource>(Json)!)];
    }

    /// <summary>Clones a VM or template (<c>POST /nodes/{node}/qemu/{vmid}/clone</c>); returns the task's UPID.</summary>
    public Task<string> CloneAsync(string node, int vmId, ProxmoxCloneOptions clone, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clone);
        var parameters = new Params { ["newid"] = Int(clone.NewId) };
        parameters.AddIf("name", clone.Name);
        parameters.AddIf("description", clone.Description);
        parameters.AddIf("full", clone.Full is { } full ? Bool(full) : null);
        parameters.AddIf("target", clone.Target);
        parameters.AddIf("storage", clone.Storage);
        parameters.AddIf("pool", clone.Pool);
        return StartTaskAsync(HttpMethod.Post, $"{Vm(node, vmId)}/clone", parameters, cancellationToken);
    }

    /// <summary>A VM's configuration (<c>GET …/config</c>): the keys Proxmox stores (cores, memory, scsi0, description, …) plus <c>digest</c>.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetConfigAsync(string node, int vmId, CancellationToken cancellationToken = default)
    {
        var data = await SendAsync(HttpMethod.Get, $"{Vm(node, vmId)}/config", null, cancellationToken).ConfigureAwait(false);
        var config = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in data.EnumerateObject())
        {
            config[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        }

        return config;
    }

    /// <summary>Changes a VM's configuration synchronously (<c>PUT …/config</c>).</summary>
    public async Task UpdateConfigAsync(string node, int vmId, ProxmoxConfigChange change, CancellationToken cancellationToken = default)
    {
        await SendAsync(HttpMethod.Put, $"{Vm(node, vmId)}/config", ConfigParameters(change), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Changes a VM's configuration in a worker (<c>POST …/config</c>); returns the UPID, or null when Proxmox finished without one.</summary>
    public async Task<string?> UpdateConfigInBackgroundAsync(string node, int vmId, ProxmoxConfigChange change, CancellationToken cancellationToken = default)
    {
        var data = await SendAsync(HttpMethod.Post, $"{Vm(node, vmId)}/config", ConfigParameters(change), cancellationToken).ConfigureAwait(false);
        return data.ValueKind == JsonValueKind.String ? data.GetString() : null;
    }

    /// <summary>Grows a disk (<c>PUT …/resize</c>) to <paramref name="size"/> (<c>32G</c>) or by it (<c>+4G</c>); returns the UPID (Proxmox 8.2+) or null (older versions resize synchronously).</summary>
    public async Task<string?> ResizeDiskAsync(string node, int vmId, string disk, string size, CancellationToken cancellationToken = default)
    {
        var data = await SendAsync(HttpMethod.Put, $"{Vm(node, vmId)}/resize", new Params { ["disk"] = disk, ["size"] = size }, cancellationToken).ConfigureAwait(false);
        return data.ValueKind == JsonValueKind.String ? data.GetString() : null;
    }

    /// <summary>A VM's current state (<c>GET …/status/current</c>).</summary>
    public async Task<ProxmoxVmStatus> GetVmStatusAsync(string node, int vmId, CancellationToken cancellationToken = default) =>
        Deserialize<ProxmoxVmStatus>(await SendAsync(HttpMethod.Get, $"{Vm(node, vmId)}/status/current", null, cancellationToken).ConfigureAwait(false));

    /// <summary>Starts a VM (<c>POST …/status/start</c>); returns the UPID.</summary>
    public Task<string> StartAsync(string node, int vmId, CancellationToken cancellationToken = default) =>
        StartTaskAsync(HttpMethod.Post, $"{Vm(node, vmId)}/status/start", null, cancellationToken);

    /// <summary>Asks the guest to shut down (<c>POST …/status/shutdown</c>); returns the UPID.</summary>
    /// <param name="node">Node.</param>
    /// <param name="vmId">VM id.</param>
    /// <param name="timeoutSeconds">How long Proxmox waits for the guest; null: Proxmox's default (180 s).</param>
    /// <param name="forceStop">Stop the VM when the guest does not shut down in time.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<string> ShutdownAsync(string node, int vmId, int? timeoutSeconds = null, bool forceStop = false, CancellationToken cancellationToken = default)
    {
        var parameters = new Params();
        parameters.AddIf("timeout", timeoutSeconds is { } t ? Int(t) : null);
        parameters.AddIf("forceStop", forceStop ? "1" : null);
        return StartTaskAsync(HttpMethod.Post, $"{Vm(node, vmId)}/status/shutdown", parameters, cancellationToken);
    }

    /// <summary>Stops a VM at once (<c>POST …/status/stop</c>); returns the UPID.</summary>
    public Task<string> StopAsync(string node, int vmId, CancellationToken cancellationToken = default) =>
        StartTaskAsync(HttpMethod.Post, $"{Vm(node, vmId)}/status/stop", null, cancellationToken);

    /// <summary>Destroys a stopped VM (<c>DELETE /nodes/{node}/qemu/{vmid}</c>), with <c>purge</c> (also from backup jobs, replication and HA) and its unreferenced disks; returns the UPID.</summary>
    public Task<string> DeleteAsync(string node, int vmId, CancellationToken cancellationToken = default) =>
        StartTaskAsync(HttpMethod.Delete, Vm(node, vmId), new Params { ["purge"] = "1", ["destroy-unreferenced-disks"] = "1" }, cancellationToken);

    /// <summary>A task's status (<c>GET /nodes/{node}/tasks/{upid}/status</c>); the node is read from the UPID.</summary>
    public Task<ProxmoxTaskStatus> GetTaskStatusAsync(string upid, CancellationToken cancellationToken = default) =>
        GetTaskStatusAsync(Upid.Parse(upid).Node, upid, cancellationToken);

    private async Task<ProxmoxTaskStatus> GetTaskStatusAsync(string node, string upid, CancellationToken cancellationToken)
    {
        var data = await SendAsync(HttpMethod.Get, $"nodes/{Seg(node)}/tasks/{Seg(upid)}/status", null, cancellationToken).ConfigureAwait(false);
        return Deserialize<ProxmoxTaskStatus>(data);
    }

    /// <summary>
    /// Polls a task until it stops: the first time after about as long as tasks of its type took on this cluster lately
    /// (at least one <see cref="ProxmoxClusterOptions.TaskPollInterval"/>), then every interval.
    /// </summary>
    /// <param name="upid">The task.</param>
    /// <param name="timeout">How long to wait; null: <see cref="ProxmoxClusterOptions.TaskTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait (not the task).</param>
    /// <returns>The final status, exit status OK.</returns>
    /// <exception cref="ProxmoxTaskFailedException">The task ended with another exit status.</exception>
    /// <exception cref="ProxmoxTaskTimeoutException">The task still ran when the wait ended.</exception>
    public async Task<ProxmoxTaskStatus> WaitForTaskAsync(string upid, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? _options.TaskTimeout;
        var task = Upid.Parse(upid);
        var started = _time.GetTimestamp();
        // A worker task has just been started and is almost never done yet: asking at once would only cost a request,
        // and asking before it usually ends costs more of them.
        var firstWait = _taskDurations.FirstWait(task.Type, _options.TaskPollInterval);
        await Task.Delay(firstWait < limit ? firstWait : limit, _time, cancellationToken).ConfigureAwait(false);
        for (var polls = 1; ; polls++)
        {
            var status = await GetTaskStatusAsync(task.Node, upid, cancellationToken).ConfigureAwait(false);
            if (status.Finished)
            {
                _taskDurations.Observe(task.Type, _time.GetElapsedTime(started), firstPoll: polls == 1);
                if (status.Succeeded)
                {
                    return status;
                }

                Log.TaskFailed(_logger, ClusterId, upid, status.ExitStatus ?? "");
                throw new ProxmoxTaskFailedException(upid, status.ExitStatus ?? "(no exit status)");
            }

            var elapsed = _time.GetElapsedTime(started);
            if (elapsed >= limit)
            {
                Log.TaskTimedOut(_logger, ClusterId, upid, limit);
                throw new ProxmoxTaskTimeoutException(upid, elapsed);
            }

            var wait = _options.TaskPollInterval < limit - elapsed ? _options.TaskPollInterval : limit - elapsed;
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    // ---- transport ----

    private async Task<string> StartTaskAsync(HttpMethod method, string path, Params? parameters, CancellationToken cancellationToken)
    {
        var data = await SendAsync(method, path, parameters, cancellationToken).ConfigureAwait(false);
        return data.ValueKind == JsonValueKind.String
            ? data.GetString()!
            : throw new ProxmoxApiException(Core.Provisioning.ProvisioningFailure.OperationFailed, 200, $"{method} /{path}", "expected a task UPID, got " + data.GetRawText());
    }

    /// <summary>Sends one request and returns the envelope's <c>data</c>; authentication is added and a stale ticket renewed once.</summary>
    internal async Task<JsonElement> SendAsync(HttpMethod method, string path, Params? parameters, CancellationToken cancellationToken, bool authenticate = true)
    {
        var describe = $"{method} /{path}";
        for (var attempt = 0; ; attempt++)
        {
            using var request = BuildRequest(method, path, parameters);
            if (authenticate)
            {
                await AuthenticateAsync(request, method != HttpMethod.Get, renew: attempt > 0, cancellationToken).ConfigureAwait(false);
            }

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                Log.Unreachable(_logger, ClusterId, describe, e.Message);
                throw new ProxmoxUnavailableException(null, describe, e.Message, e);
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ProxmoxUnavailableException(null, describe, $"no answer within {_options.RequestTimeout.TotalSeconds:0.#} s", e);
            }

            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return Envelope(body, describe);
                }

                // A ticket can be revoked or expire early (cluster restart): log in again once before giving up.
                if (response.StatusCode == HttpStatusCode.Unauthorized && _tickets is not null && authenticate && attempt == 0)
                {
                    continue;
                }

                var error = ToException(response, body, describe);
                if (error is ProxmoxNotFoundException)
                {
                    Log.NotFound(_logger, ClusterId, describe, (int)response.StatusCode, error.ProxmoxMessage);
                }
                else
                {
                    Log.RequestFailed(_logger, ClusterId, describe, (int)response.StatusCode, error.ProxmoxMessage);
                }

                throw error;
            }
        }
    }

    private HttpRequestMessage BuildRequest(HttpMethod method, string path, Params? parameters)
    {
        var uri = new Uri(_apiRoot, path);
        var request = new HttpRequestMessage(method, uri);
        if (parameters is { Count: > 0 })
        {
            if (method == HttpMethod.Get || method == HttpMethod.Delete)
            {
                var query = string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
                request.RequestUri = new Uri(uri + "?" + query);
            }
            else
            {
                request.Content = new FormUrlEncodedContent(parameters);
            }
        }

        return request;
    }

    private async Task AuthenticateAsync(HttpRequestMessage request, bool write, bool renew, CancellationToken cancellationToken)
    {
        if (_tickets is null)
        {
            // PVEAPIToken=USER@REALM!TOKENID=SECRET; tokens need no CSRF token.
            request.Headers.TryAddWithoutValidation("Authorization", $"PVEAPIToken={_options.TokenId}={_options.TokenSecret}");
            return;
        }

        var ticket = await _tickets.GetAsync(renew, cancellationToken).ConfigureAwait(false);
        request.Headers.TryAddWithoutValidation("Cookie", "PVEAuthCookie=" + ticket.Value);
        if (write)
        {
            request.Headers.TryAddWithoutValidation("CSRFPreventionToken", ticket.CsrfToken);
        }
    }

    private static JsonElement Envelope(string body, string describe)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("data", out var data)
                ? data.Clone()
                : throw new ProxmoxApiException(Core.Provisioning.ProvisioningFailure.OperationFailed, 200, describe, "answer without a data field");
        }
        catch (JsonException e)
        {
            throw new ProxmoxApiException(Core.Provisioning.ProvisioningFailure.OperationFailed, 200, describe, "answer is not JSON: " + e.Message);
        }
    }

    private static ProxmoxApiException ToException(HttpResponseMessage response, string body, string describe)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        string? message = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in e.EnumerateObject())
                {
                    errors[p.Name] = (p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()).TrimEnd();
                }
            }

            if (document.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
            {
                message = m.GetString()!.TrimEnd();
            }
        }
        catch (JsonException)
        {
            // Proxies answer with HTML; the status line says enough.
        }

        // Proxmox puts its error message in the HTTP status line.
        message ??= string.IsNullOrWhiteSpace(response.ReasonPhrase) ? $"HTTP {(int)response.StatusCode}" : response.ReasonPhrase;
        return ErrorMapping.FromResponse((int)response.StatusCode, describe, message, errors);
    }

    private static T Deserialize<T>(JsonElement data) => data.Deserialize<T>(Json) ?? throw new JsonException($"null {typeof(T).Name}");

    private static Uri ToApiRoot(Uri baseUrl)
    {
        var text = baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (!text.EndsWith("/api2/json", StringComparison.Ordinal))
        {
            text += "/api2/json";
        }

        return new Uri(text + "/");
    }

    private static string Vm(string node, int vmId) => $"nodes/{Seg(node)}/qemu/{Int(vmId)}";

    private static string Seg(string value) => Uri.EscapeDataString(value);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Bool(bool value) => value ? "1" : "0";

    private static Params ConfigParameters(ProxmoxConfigChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var parameters = new Params();
        parameters.AddIf("cores", change.Cores is { } c ? Int(c) : null);
        parameters.AddIf("memory", change.MemoryMegabytes is { } m ? Int(m) : null);
        parameters.AddIf("name", change.Name);
        parameters.AddIf("description", change.Description);
        parameters.AddIf("tags", change.Tags is { Count: > 0 } tags ? string.Join(';', tags) : null);
        parameters.AddIf("ciuser", change.CloudInitUser);
        parameters.AddIf("sshkeys", change.SshKeys is { Count: > 0 } keys ? EncodeSshKeys(keys) : null);
        parameters.AddIf("ipconfig0", change.IpConfig0);
        parameters.AddIf("delete", change.Delete is { Count: > 0 } delete ? string.Join(',', delete) : null);
        parameters.AddIf("digest", change.Digest);
        return parameters;
    }

    /// <summary>
    /// Proxmox's <c>sshkeys</c> has format <c>urlencoded</c>: the value itself must be percent-encoded (spaces as %20,
    /// not '+') on top of the form encoding of the request body.
    /// </summary>
    internal static string EncodeSshKeys(IEnumerable<string> keys)
    {
        var text = new StringBuilder();
        foreach (var key in keys)
        {
            text.Append(key.Trim()).Append('\n');
        }

        return Uri.EscapeDataString(text.ToString());
    }

    /// <summary>Request parameters in order; a list so the form and query keep the caller's order.</summary>
    internal sealed class Params : List<KeyValuePair<string, string>>
    {
        public string this[string key]
        {
            set => Add(KeyValuePair.Create(key, value));
        }

        public void AddIf(string key, string? value)
        {
            if (value is not null)
            {
                Add(KeyValuePair.Create(key, value));
            }
        }
    }
}
