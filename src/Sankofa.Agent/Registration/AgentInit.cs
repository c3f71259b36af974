using System.Text.Json;
using Sankofa.Agent.Keys;
using Sankofa.Agent.Protocol;

namespace Sankofa.Agent.Registration;

/// <summary>
/// <c>sankofa agent init</c>: creates the site key in the agent's directory (refusing to replace one) and writes the
/// registration request it signed, for an operator to submit and approve.
/// </summary>
public static class AgentInit
{
    /// <summary>Longest site id accepted (the control plane's column).</summary>
    public const int MaxSiteIdLength = 64;

    /// <summary>
    /// Creates the key and writes <see cref="RegistrationRequest.FileName"/> beside it. The site id and the directory are
    /// checked before <paramref name="chainOf"/> is asked which chain to sign for, so a refusal costs no call.
    /// </summary>
    /// <exception cref="ArgumentException">The site id is empty, too long or holds whitespace or control characters.</exception>
    /// <exception cref="IOException">The directory holds a key already (nothing is changed).</exception>
    public static async Task<RegistrationRequest> RunAsync(
        string siteId, string directory, Func<CancellationToken, Task<ChainBinding>> chainOf, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chainOf);
        ArgumentNullException.ThrowIfNull(time);
        if (string.IsNullOrEmpty(siteId) || siteId.Length > MaxSiteIdLength || siteId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException($"--site must be 1 to {MaxSiteIdLength} characters without spaces, not '{siteId}'.", nameof(siteId));
        }

        SiteKey.EnsureNoneIn(directory);
        var chain = await chainOf(cancellationToken).ConfigureAwait(false);
        var key = SiteKey.CreateIn(directory);
        var digest = SiteKeyDigest.Compute(chain.Registry, chain.ChainId, siteId, key.Address);
        var request = new RegistrationRequest(
            siteId, key.Address, RegistrationRequest.CurrentVersion, time.GetUtcNow(), chain.ChainId, chain.Registry,
            "0x" + Convert.ToHexStringLower(key.Sign(digest)));
        await File.WriteAllTextAsync(Path.Combine(directory, RegistrationRequest.FileName), JsonSerializer.Serialize(request, RegistrationRequest.Json), cancellationToken)
            .ConfigureAwait(false);
        return request;
    }
}
