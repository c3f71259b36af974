using System.Net.Http.Json;
using Sankofa.Agent.Protocol;
using Sankofa.Core.Agents;
using Sankofa.Core.Ledger;

namespace Sankofa.Agent.Registration;

/// <summary>The chain and contract a registration is signed for: what <see cref="SiteKeyDigest"/> binds the key to.</summary>
/// <param name="ChainId">The chain's id.</param>
/// <param name="Registry">The ResourceRegistry contract's address.</param>
public sealed record ChainBinding(long ChainId, string Registry)
{
    /// <summary>
    /// Reads them from the control plane's public <c>GET /api/v1/ledger</c>, without any credentials: the agent has none
    /// yet, and sends nothing of its own. The answer is not trusted for more than this: a wrong chain or contract only
    /// makes a signature the chain will refuse.
    /// </summary>
    public static async Task<ChainBinding> ReadAsync(HttpClient anonymous, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(anonymous);
        var status = await anonymous.GetFromJsonAsync<LedgerStatus>(new Uri("api/v1/ledger", UriKind.Relative), RegistrationRequest.Json, cancellationToken).ConfigureAwait(false)
                     ?? throw new InvalidOperationException("The server's /api/v1/ledger answered nothing.");
        return AgentAddress.IsValid(status.ResourceRegistryAddress)
            ? new ChainBinding(status.ChainId, status.ResourceRegistryAddress)
            : throw new InvalidOperationException($"The server's /api/v1/ledger names no ResourceRegistry address ('{status.ResourceRegistryAddress}').");
    }
}
