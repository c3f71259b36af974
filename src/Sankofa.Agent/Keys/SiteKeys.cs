using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sankofa.Agent.LightClient;
using Sankofa.Agent.Protocol;

namespace Sankofa.Agent.Keys;

/// <summary>
/// The key the agent signs with now, and the switch to a rotation's new key: once the chain records the key waiting in
/// <see cref="SiteKey.NextFileName"/> as the site's (read with the light client, proven, not taken from the control
/// plane), the new key is moved over the old one, which can sign nothing the chain accepts any more, and signs from then on.
/// </summary>
public sealed partial class SiteKeys
{
    private readonly string? _directory;
    private readonly Rotation? _rotation;
    private readonly ILogger _logger;
    private volatile SiteKey _current;

    private SiteKeys(SiteKey current, string? directory, Rotation? rotation, ILogger? logger)
    {
        _current = current;
        _directory = directory;
        _rotation = rotation;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The key that signs now.</summary>
    public SiteKey Current => _current;

    /// <summary>Always <paramref name="key"/>: no rotation is followed (an agent without a data directory, a test).</summary>
    public static SiteKeys Fixed(SiteKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new SiteKeys(key, null, null, null);
    }

    /// <summary>
    /// The key of the agent's data directory <paramref name="directory"/>, switching to a rotation's new key once the
    /// ResourceRegistry at <paramref name="registry"/> records it for <paramref name="site"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The directory holds no key.</exception>
    /// <exception cref="InvalidDataException">The file is not a key.</exception>
    public static SiteKeys LoadFrom(string directory, ChainLightClient chain, string registry, string site, ILogger<SiteKeys> logger)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentException.ThrowIfNullOrEmpty(registry);
        ArgumentException.ThrowIfNullOrEmpty(site);
        return new SiteKeys(SiteKey.LoadFrom(directory), directory, new Rotation(chain, registry, site), logger);
    }

    /// <summary>
    /// When a rotation's new key waits beside the current one and the chain records it as the site's key, makes it the
    /// current key and returns true; otherwise changes nothing (no rotation under way, or not approved yet).
    /// </summary>
    /// <exception cref="ChainVerificationException">The chain's answer does not check.</exception>
    /// <exception cref="ChainRpcException">The chain could not be read.</exception>
    public async Task<bool> SwitchIfRotatedAsync(CancellationToken cancellationToken)
    {
        if (_directory is null || _rotation is null || !File.Exists(SiteKey.PathIn(_directory, SiteKey.NextFileName)))
        {
            return false;
        }

        var next = SiteKey.LoadNextFrom(_directory);
        var recorded = await _rotation.Chain.ReadStorageAsync(_rotation.Registry, RegistrySlots.SiteKey(_rotation.Site), cancellationToken).ConfigureAwait(false);
        if (!string.Equals(RegistrySlots.Address(recorded.Value), next.Address, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var old = _current.Address;
        File.Move(SiteKey.PathIn(_directory, SiteKey.NextFileName), SiteKey.PathIn(_directory), overwrite: true);
        _current = next;
        LogSwitched(_logger, _rotation.Site, old, next.Address, recorded.Block.Header.Number);
        return true;
    }

    private sealed record Rotation(ChainLightClient Chain, string Registry, string Site);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {Site}'s key is now {New}: the chain records the rotation from {Old} (proven at block {Block}); the old key file is replaced")]
    private static partial void LogSwitched(ILogger logger, string site, string old, string @new, long block);
}
