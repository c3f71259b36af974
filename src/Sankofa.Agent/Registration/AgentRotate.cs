using System.Text.Json;
using Sankofa.Agent.Keys;
using Sankofa.Agent.Protocol;

namespace Sankofa.Agent.Registration;

/// <summary>
/// <c>sankofa agent rotate</c>: makes the site's next key beside the current one (<see cref="SiteKey.NextFileName"/>,
/// 0600) and writes <see cref="RotationRequest.FileName"/>, in which the new key proves possession and the current key
/// consents to hand the site over. The current key stays in place, and in use, until the rotation is approved on chain.
/// </summary>
public static class AgentRotate
{
    /// <summary>
    /// Makes the next key and writes the rotation request. The directory is checked (a current key and its
    /// <see cref="RegistrationRequest.FileName"/>, no rotation under way) before <paramref name="chainOf"/> is asked which
    /// chain to sign for, so a refusal costs no call and changes nothing.
    /// </summary>
    /// <exception cref="IOException">The directory (or its key, or its registration.json) is missing, or a rotation's key is there already (nothing is changed).</exception>
    /// <exception cref="InvalidDataException">registration.json or the key file cannot be read.</exception>
    public static async Task<RotationRequest> RunAsync(
        string directory, Func<CancellationToken, Task<ChainBinding>> chainOf, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chainOf);
        ArgumentNullException.ThrowIfNull(time);
        var current = SiteKey.LoadFrom(directory);
        var siteId = (await ReadRegistrationAsync(directory, cancellationToken).ConfigureAwait(false)).SiteId;
        var next = SiteKey.PathIn(directory, SiteKey.NextFileName);
        if (File.Exists(next))
        {
            throw new IOException($"{next} holds a rotation's new key already (address {SiteKey.LoadNextFrom(directory).Address}); "
                                  + "finish or abandon that rotation first (docs/agent.md, \"Rotating a site's key\").");
        }

        var chain = await chainOf(cancellationToken).ConfigureAwait(false);
        var key = SiteKey.CreateNextIn(directory);
        var proof = key.Sign(SiteKeyDigest.Compute(chain.Registry, chain.ChainId, siteId, key.Address));
        var consent = current.Sign(SiteKeyRotationDigest.Compute(chain.Registry, chain.ChainId, siteId, current.Address, key.Address));
        var request = new RotationRequest(
            siteId, key.Address, RegistrationRequest.CurrentVersion, time.GetUtcNow(), chain.ChainId, chain.Registry, Hex(proof), current.Address, Hex(consent));
        await File.WriteAllTextAsync(Path.Combine(directory, RotationRequest.FileName), JsonSerializer.Serialize(request, RotationRequest.Json), cancellationToken)
            .ConfigureAwait(false);
        return request;
    }

    /// <summary>The agent's registration.json (for its site id).</summary>
    /// <exception cref="FileNotFoundException">There is none.</exception>
    /// <exception cref="InvalidDataException">It is not a registration.</exception>
    public static async Task<RegistrationRequest> ReadRegistrationAsync(string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetFullPath(directory), RegistrationRequest.FileName);
        try
        {
            var registration = JsonSerializer.Deserialize<RegistrationRequest>(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), RegistrationRequest.Json);
            return registration is { SiteId.Length: > 0 } ? registration : throw new InvalidDataException($"{path} names no site.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a registration.json: {ex.Message}", ex);
        }
    }

    private static string Hex(byte[] signature) => "0x" + Convert.ToHexStringLower(signature);
}
