using System.Text.Json;
using Sankofa.Agent.Protocol;

namespace Sankofa.Agent.Registration;

/// <summary>
/// What <c>sankofa agent rotate</c> writes to <see cref="FileName"/> and an administrator submits
/// (<c>POST /api/v1/sites/{site}/agents/rotations</c>): the new key's registration, with its own proof of possession as
/// in <see cref="RegistrationRequest"/>, and the current key's consent, its signature over
/// <see cref="SiteKeyRotationDigest"/>. The chain checks both when the rotation is approved. Holds nothing secret.
/// </summary>
/// <param name="SiteId">The site.</param>
/// <param name="Address">The new key's EIP-55 address.</param>
/// <param name="AgentVersion">Version of the agent that made the new key.</param>
/// <param name="CreatedAt">When the new key was made (the agent's clock).</param>
/// <param name="ChainId">The chain both signatures are for.</param>
/// <param name="Registry">The ResourceRegistry contract both signatures are for.</param>
/// <param name="Signature">The new key's proof of possession: 0x r ‖ s ‖ v over <see cref="SiteKeyDigest.Compute"/>.</param>
/// <param name="PreviousAddress">The site's current key, which hands the site over.</param>
/// <param name="RotationSignature">The current key's 0x r ‖ s ‖ v over <see cref="SiteKeyRotationDigest.Compute"/>(site, previous, new).</param>
public sealed record RotationRequest(
    string SiteId, string Address, string AgentVersion, DateTimeOffset CreatedAt, long ChainId, string Registry, string Signature,
    string PreviousAddress, string RotationSignature)
{
    /// <summary>The file's name inside the agent's data directory.</summary>
    public const string FileName = "rotation.json";

    /// <summary>How the file is written: the API's JSON names, as <see cref="RegistrationRequest.Json"/>.</summary>
    public static JsonSerializerOptions Json => RegistrationRequest.Json;
}
