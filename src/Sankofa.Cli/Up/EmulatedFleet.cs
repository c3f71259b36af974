using Microsoft.Extensions.Configuration;
using Sankofa.Core.Topology;
using Sankofa.Proxmox.Emulator;

namespace Sankofa.Cli.Up;

/// <summary>
/// The all-in-one's stand-in for the sites: one emulated Proxmox VE cluster per site of the catalog (core, regional
/// and edge, so a request for any tier can be provisioned), all on one loopback listener, each node named after the
/// catalog host it stands for. The server drives them through the same
/// Proxmox client it uses in production, so <c>sankofa up</c> exercises the production code path end to end.
/// </summary>
internal sealed class EmulatedFleet : IAsyncDisposable
{
    private EmulatedFleet(ProxmoxEmulator emulator) => Emulator = emulator;

    public ProxmoxEmulator Emulator { get; }

    public static async Task<EmulatedFleet> StartAsync(string dataDirectory, SiteCatalog catalog, CancellationToken cancellationToken)
    {
        var stateDirectory = Path.Combine(dataDirectory, "proxmox");
        Directory.CreateDirectory(stateDirectory);
        var secret = await TokenSecretAsync(stateDirectory, cancellationToken);
        var options = new ProxmoxEmulatorOptions { StateDirectory = stateDirectory };
        foreach (var site in catalog.Sites)
        {
            var cluster = EmulatedSites.ClusterFor(site);
            cluster.TokenSecret = secret;
            options.Clusters.Add(cluster);
        }

        return new EmulatedFleet(await ProxmoxEmulator.StartAsync(options, cancellationToken));
    }

    /// <summary>Points the server's Proxmox client at every emulated cluster (<c>Proxmox:Clusters:{id}:…</c>).</summary>
    public void Configure(IConfiguration configuration)
    {
        foreach (var (key, value) in Emulator.ClientSettings(taskPollInterval: TimeSpan.FromMilliseconds(250)))
        {
            configuration[key] = value;
        }
    }

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();

    // One API token secret for the whole emulated fleet, kept so that a restarted `up` talks to the same clusters.
    private static async Task<string> TokenSecretAsync(string stateDirectory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(stateDirectory, "token-secret");
        if (File.Exists(path))
        {
            return (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
        }

        var secret = Guid.NewGuid().ToString();
        await File.WriteAllTextAsync(path, secret, cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return secret;
    }
}
