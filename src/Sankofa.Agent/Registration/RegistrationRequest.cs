using System.Reflection;
using System.Text.Json;
using Sankofa.Agent.Protocol;

namespace Sankofa.Agent.Registration;

/// <summary>
/// What <c>sankofa agent init</c> writes to <see cref="FileName"/> and an operator submits to the control plane
/// (<c>POST /api/v1/sites/{site}/agents</c>): the site, the key's address, and the key's own signature over
/// <see cref="SiteKeyDigest"/> for this chain and contract (proof of possession). Holds nothing secret.
/// </summary>
/// <param name="SiteId">The site the key is for.</param>
/// <param name="Address">The site key's EIP-55 address.</param>
/// <param name="AgentVersion">Version of the agent that made the key.</param>
/// <param name="CreatedAt">When the key was made (the agent's clock).</param>
/// <param name="ChainId">The chain the signature is for.</param>
/// <param name="Registry">The ResourceRegistry contract the signature is for.</param>
/// <param name="Signature">0x-prefixed r ‖ s ‖ v (65 bytes) over <see cref="SiteKeyDigest.Compute"/>, EIP-191 style.</param>
public sealed record RegistrationRequest(
    string SiteId, string Address, string AgentVersion, DateTimeOffset CreatedAt, long ChainId, string Registry, string Signature)
{
    /// <summary>The file's name inside the agent's data directory.</summary>
    public const string FileName = "registration.json";

    /// <summary>How the file is written: the API's own JSON names (camelCase).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>This agent's version (the assembly's informational version).</summary>
    public static string CurrentVersion { get; } =
        typeof(RegistrationRequest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
