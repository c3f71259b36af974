using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sankofa.Proxmox.Emulator.Api;
using Sankofa.Proxmox.Emulator.Schema;
using Sankofa.Proxmox.Emulator.State;

namespace Sankofa.Proxmox.Emulator;

/// <summary>
/// Emulated Proxmox VE clusters on one loopback listener. Each cluster has its own base URL
/// (<c>http://127.0.0.1:PORT/clusters/{id}/api2/json/</c>), credentials, nodes, VMs and tasks; requests are checked
/// against the official API schema (a subset embedded in this assembly) and answered as Proxmox answers them.
/// A fault API at <c>/_emulator/clusters/{id}/faults</c> (and the methods of <see cref="EmulatedCluster"/>) lets tests
/// fail tasks, slow them down or take nodes away.
/// </summary>
public sealed partial class ProxmoxEmulator : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, EmulatedCluster> _clusters = new(StringComparer.Ordinal);
    private readonly EmulatorContext _context;
    private readonly ConcurrentDictionary<string, long> _savedVersions = new(StringComparer.Ordinal);
    private WebApplication? _app;
    private ITimer? _saveTimer;

    private ProxmoxEmulator(ProxmoxEmulatorOptions options)
    {
        _context = new EmulatorContext(options);
    }

    /// <summary>The listener's root, for example <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>SHA-256 fingerprint (upper-case hex, colon-separated, as Proxmox shows it) of the self-signed certificate when <see cref="ProxmoxEmulatorOptions.UseHttps"/> is set; otherwise null.</summary>
    public string? CertificateFingerprint { get; private set; }

    /// <summary>The emulated clusters by id.</summary>
    public IReadOnlyDictionary<string, EmulatedCluster> Clusters => _clusters;

    /// <summary>Starts the listener on 127.0.0.1 with the clusters of <paramref name="options"/>.</summary>
    public static async Task<ProxmoxEmulator> StartAsync(ProxmoxEmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var emulator = new ProxmoxEmulator(options);
        await emulator.RunAsync(cancellationToken).ConfigureAwait(false);
        return emulator;
    }

    /// <summary>A cluster by id.</summary>
    /// <exception cref="KeyNotFoundException">No cluster has that id.</exception>
    public EmulatedCluster Cluster(string id) =>
        _clusters.TryGetValue(id, out var cluster) ? cluster : throw new KeyNotFoundException($"No emulated cluster '{id}'.");

    /// <summary>The API base URL of a cluster, ending in <c>/api2/json/</c>.</summary>
    public Uri BaseUrl(string clusterId) => Cluster(clusterId).BaseUrl;

    /// <summary>Adds a cluster to the running emulator.</summary>
    /// <exception cref="ArgumentException">The id is malformed or taken.</exception>
    public EmulatedCluster AddCluster(EmulatedClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!ClusterId().IsMatch(options.Id))
        {
            throw new ArgumentException($"Cluster id '{options.Id}' must be lower-case letters, digits and dashes.", nameof(options));
        }

        if (options.Nodes.Count == 0)
        {
            throw new ArgumentException($"Cluster '{options.Id}' needs at least one node.", nameof(options));
        }

        var cluster = new EmulatedCluster(options, new Uri(Address, $"clusters/{options.Id}/api2/json/"), _context);
        return _clusters.TryAdd(options.Id, cluster) ? cluster : throw new ArgumentException($"Cluster '{options.Id}' exists already.", nameof(options));
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var options = _context.Options;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        X509Certificate2? certificate = options.UseHttps ? CreateSelfSignedCertificate() : null;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        var handler = new EmulatorRequestHandler(ApiSchema.LoadEmbedded(), id => _clusters.GetValueOrDefault(id));
        var faults = new FaultApi(id => _clusters.GetValueOrDefault(id));
        app.Run(context => context.Request.Path.StartsWithSegments("/_emulator", StringComparison.Ordinal)
            ? faults.HandleAsync(context)
            : handler.HandleAsync(context));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).GetLeftPart(UriPartial.Authority) + "/");
        if (certificate is not null)
        {
            CertificateFingerprint = string.Join(':', SHA256.HashData(certificate.RawData).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
        }

        foreach (var cluster in options.Clusters)
        {
            AddCluster(cluster);
        }

        if (options.StateDirectory is not null)
        {
            _saveTimer = TimeProvider.System.CreateTimer(_ => SaveState(), null, options.StateSaveInterval, options.StateSaveInterval);
        }
    }

    /// <summary>Writes every cluster that changed since its last write to <see cref="ProxmoxEmulatorOptions.StateDirectory"/> (no-op without one).</summary>
    public void SaveState()
    {
        if (_context.Options.StateDirectory is not { } directory)
        {
            return;
        }

        // The timer and Dispose may both call this; one writer at a time keeps the rename atomic per file.
        lock (_savedVersions)
        {
            foreach (var cluster in _clusters.Values)
            {
                _savedVersions[cluster.Id] = cluster.SaveIfChanged(directory, _savedVersions.GetValueOrDefault(cluster.Id, -1));
            }
        }
    }

    private static X509Certificate2 CreateSelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=pve.emulated", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        // Kestrel needs the key in a form it can use on every platform: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Stops the listener.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_saveTimer is not null)
        {
            await _saveTimer.DisposeAsync().ConfigureAwait(false);
            _saveTimer = null;
        }

        SaveState();
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex ClusterId();
}
