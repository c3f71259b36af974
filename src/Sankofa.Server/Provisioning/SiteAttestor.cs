using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Sankofa.Core;
using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;
using Sankofa.Ledger.Resources;
using Sankofa.Proxmox;
using Sankofa.Proxmox.Api;
using Sankofa.Proxmox.Provisioning;

namespace Sankofa.Server.Provisioning;

/// <summary>
/// Stands in, as an emulator does, for the agent of a site that has none (direct mode: the emulated sites of
/// <c>sankofa up</c> and the tests). It holds a per-site secp256k1 key (kept under <c>&lt;DataDirectory&gt;/sites/</c>,
/// never the control plane's key); a real site's key is made by <c>sankofa agent init</c> and never leaves the agent.
/// It reads the VM back from the site's Proxmox with a client of its own rather than trusting the control plane's
/// records (<see cref="VmObserver"/>, as an agent does), computes the spec hash of what runs, and signs the chain's
/// attestation digest. It registers each site key on chain with the key's own proof of possession, as a site's agent does.
/// </summary>
internal sealed partial class SiteAttestor(
    IOptions<ProxmoxOptions> proxmox, IResourceLedger ledger, IConfiguration configuration, TimeProvider time, ILogger<SiteAttestor> logger)
    : ISiteAttestor, IDisposable
{
    private readonly string directory = Path.Combine(DataDirectory.Resolve(configuration[DataDirectory.Key]), "sites");
    private readonly ConcurrentDictionary<string, ProxmoxClient> clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<(byte[] Key, string Address)>>> keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, VmObserver> observers = new(StringComparer.Ordinal);

    public async Task<SiteAttestationResult> AttestAsync(Resource resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var siteId = resource.Placement.SiteId;
        var vm = resource.Vm ?? throw new ProvisioningException(ProvisioningFailure.NotFound, $"Resource {resource.Id} has no VM recorded on {siteId}.");
        var observed = await Observer(siteId).ObserveAsync(vm, resource.Id, resource.Spec.Template, cancellationToken).ConfigureAwait(false);
        var observedHash = SpecHash.Of(observed);

        var (key, _) = await KeyAsync(siteId, cancellationToken).ConfigureAwait(false);
        var digest = await ledger.AttestationDigestAsync(resource.Id, observedHash, cancellationToken).ConfigureAwait(false);
        var signature = SiteAttestation.Sign(key, digest);
        LogAttested(logger, siteId, resource.Id, Convert.ToHexStringLower(observedHash));
        return new SiteAttestationResult(siteId, observedHash, signature);
    }

    /// <summary>The site's key, created on first use and registered on chain once per process (the registration is idempotent).</summary>
    private Task<(byte[] Key, string Address)> KeyAsync(string siteId, CancellationToken cancellationToken)
    {
        var lazy = keys.GetOrAdd(siteId, id => new Lazy<Task<(byte[] Key, string Address)>>(() => LoadOrCreateAsync(id)));
        return lazy.Value.WaitAsync(cancellationToken);
    }

    private async Task<(byte[] Key, string Address)> LoadOrCreateAsync(string siteId)
    {
        try
        {
            var path = Path.Combine(directory, siteId + ".key");
            byte[] key;
            if (File.Exists(path))
            {
                key = Convert.FromHexString((await File.ReadAllTextAsync(path).ConfigureAwait(false)).Trim());
            }
            else
            {
                key = NewKey();
                Directory.CreateDirectory(directory);
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                var temp = path + ".tmp";
                File.Delete(temp);
                await using (var stream = new FileStream(temp, options))
                await using (var writer = new StreamWriter(stream))
                {
                    await writer.WriteAsync(Convert.ToHexStringLower(key)).ConfigureAwait(false);
                }

                File.Move(temp, path, overwrite: false);
            }

            var address = SiteAttestation.AddressOf(key);
            var onChain = await ledger.GetSiteKeyAsync(siteId, CancellationToken.None).ConfigureAwait(false);
            if (!string.Equals(onChain, address, StringComparison.OrdinalIgnoreCase))
            {
                // Already there when a board registered it (its decision once it governs the contracts; the control plane may not).
                var digest = await ledger.SiteKeyDigestAsync(siteId, address, CancellationToken.None).ConfigureAwait(false);
                await ledger.RegisterSiteKeyAsync(siteId, address, SiteAttestation.Sign(key, digest), CancellationToken.None).ConfigureAwait(false);
                LogKeyRegistered(logger, siteId, address);
            }

            return (key, address);
        }
        catch
        {
            // Let the next attestation try again instead of caching the failure forever.
            keys.TryRemove(siteId, out _);
            throw;
        }
    }

    private static byte[] NewKey()
    {
        while (true)
        {
            var candidate = RandomNumberGenerator.GetBytes(32);
            try
            {
                _ = SiteAttestation.AddressOf(candidate);
                return candidate;
            }
            catch (ArgumentException)
            {
                // Out of the curve's range (vanishingly rare): draw again.
            }
        }
    }

    // What runs is read as the site's agent reads it (VmObserver), with a client of its own per site.
    private VmObserver Observer(string siteId) => observers.GetOrAdd(siteId, id => new VmObserver(Client(id), time));

    private ProxmoxClient Client(string siteId) => clients.GetOrAdd(siteId, id =>
        proxmox.Value.Clusters.TryGetValue(id, out var cluster)
            ? new ProxmoxClient(id, cluster, time)
            : throw new ProvisioningException(ProvisioningFailure.NotFound, $"Site {id} has no hypervisor configured (Proxmox:Clusters:{id})."));

    public void Dispose()
    {
        foreach (var client in clients.Values)
        {
            client.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Site {Site} registered its attestation key {Address} on chain")]
    private static partial void LogKeyRegistered(ILogger logger, string site, string address);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Site {Site} attested resource {Resource} runs spec {SpecHash}")]
    private static partial void LogAttested(ILogger logger, string site, string resource, string specHash);
}
