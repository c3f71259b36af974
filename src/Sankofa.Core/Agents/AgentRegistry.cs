using System.Text.Json;
using Sankofa.Core.Access;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Agents;

/// <summary>
/// Registers site agents' keys and approves them: a registration is accepted (pending) only with the key's own signature
/// over the site-key digest of this chain and contract; approval records the key on chain as the site's. Platform roles
/// only: tenants see nothing of agents. Each change is stored with its audit entry.
/// </summary>
/// <param name="store">Where agents live.</param>
/// <param name="catalog">The fleet's sites.</param>
/// <param name="chain">The chain's id and the ResourceRegistry address the proof must be for.</param>
/// <param name="ledger">Records an approved key on chain.</param>
/// <param name="proofs">Checks proofs of possession.</param>
/// <param name="time">The clock.</param>
public sealed class AgentRegistry(IAgentStore store, SiteCatalog catalog, ILedgerStatus chain, IResourceLedger ledger, ISiteKeyProofs proofs, TimeProvider time)
{
    /// <summary>Longest agent version accepted.</summary>
    public const int MaxVersionLength = 64;

    /// <summary>Accepts a registration for <paramref name="siteId"/> as pending, once its proof checks out.</summary>
    /// <exception cref="LedgerUnavailableException">The chain cannot be read, so the proof cannot be checked.</exception>
    public async Task<Result<SiteAgent>> RegisterAsync(Caller caller, string actor, string siteId, AgentRegistration? registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.HasAny(Permission.AgentsWrite))
        {
            return AccessErrors.Forbidden(Permission.AgentsWrite);
        }

        if (catalog.Find(siteId) is null)
        {
            return MissingSite(siteId);
        }

        if (registration is null)
        {
            return Error.Invalid(new Dictionary<string, string[]> { ["body"] = ["The registration (registration.json) is required."] });
        }

        var errors = Validate(siteId, registration);
        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        var status = await chain.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        if (registration.ChainId != status.ChainId)
        {
            return Error.Of(ErrorKind.Invalid, "chainId", $"Signed for chain {registration.ChainId}; this control plane records on chain {status.ChainId}. Run agent init against this server.");
        }

        if (!string.Equals(registration.Registry, status.ResourceRegistryAddress, StringComparison.OrdinalIgnoreCase))
        {
            return Error.Of(ErrorKind.Invalid, "registry", $"Signed for contract {registration.Registry}; this control plane's ResourceRegistry is {status.ResourceRegistryAddress}.");
        }

        var address = AgentAddress.Normalize(registration.Address!);
        var proof = Convert.FromHexString(registration.Signature!.AsSpan(2));
        var signer = proofs.Signer(status.ResourceRegistryAddress, status.ChainId, siteId, address, proof);
        if (signer is null || !string.Equals(signer, address, StringComparison.OrdinalIgnoreCase))
        {
            return Error.Of(ErrorKind.Invalid, "signature", $"Not the signature of key {address} over site {siteId}'s key digest for this chain and contract (docs/agent.md).");
        }

        var now = time.GetUtcNow();
        var agent = new SiteAgent(0, siteId, address, registration.AgentVersion!, AgentState.Pending, now, caller.Id, registration.CreatedAt!.Value,
            proof, null, null, null, null, null);
        try
        {
            return Result<SiteAgent>.Ok(await store.AddAsync(agent, Audit(actor, "site.agent.registered", siteId, new { address, version = agent.Version, signedAt = agent.SignedAt }),
                cancellationToken).ConfigureAwait(false));
        }
        catch (StoreConflictException)
        {
            return Error.Conflict("address", $"Site '{siteId}' has key {address} registered already.");
        }
    }

    /// <summary>
    /// Approves a pending agent: records its key on chain as the site's (<c>setSiteKey</c>), then marks it approved.
    /// Approving an approved agent again changes nothing.
    /// </summary>
    /// <exception cref="LedgerUnavailableException">The chain cannot be reached; the agent stays pending and approval may be repeated.</exception>
    public async Task<Result<SiteAgent>> ApproveAsync(Caller caller, string actor, string siteId, string address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.HasAny(Permission.AgentsApprove))
        {
            return AccessErrors.Forbidden(Permission.AgentsApprove);
        }

        if (catalog.Find(siteId) is null)
        {
            return MissingSite(siteId);
        }

        if (!AgentAddress.IsValid(address))
        {
            return Error.Of(ErrorKind.Invalid, "address", $"'{address}' is not a 0x-prefixed 20-byte address.");
        }

        address = AgentAddress.Normalize(address);
        if (await store.GetAsync(siteId, address, cancellationToken).ConfigureAwait(false) is not { } agent)
        {
            return Error.NotFound("address", $"Site '{siteId}' has no agent with key {address}.");
        }

        if (agent.State == AgentState.Approved)
        {
            return Result<SiteAgent>.Ok(agent);
        }

        if (agent.State == AgentState.Revoked)
        {
            return Error.Conflict("address", $"Key {address} of site '{siteId}' is revoked; a revoked key is never approved again.");
        }

        var siteAgents = await store.ListAsync(siteId, null, int.MaxValue, cancellationToken).ConfigureAwait(false);
        if (siteAgents.FirstOrDefault(a => a.State == AgentState.Approved) is { } current)
        {
            return Error.Conflict("address", $"Site '{siteId}' has an approved key already ({current.Address}); replacing it is a rotation, signed by the old key.");
        }

        // With the key's own signature, so the contract itself checks that the key's holder presented it.
        LedgerReceipt receipt;
        try
        {
            receipt = await ledger.RegisterSiteKeyAsync(siteId, address, agent.Proof, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            // The contract refused it (the site has another key, say the direct mode's): nothing was recorded.
            return Error.Conflict("address", $"The chain refused key {address} for site '{siteId}': {ex.Message}");
        }

        var approved = await store.ApproveAsync(siteId, address, caller.Id, time.GetUtcNow(), receipt,
            Audit(actor, "site.agent.approved", siteId, new { address, transaction = receipt.TransactionHash, block = receipt.BlockNumber }),
            cancellationToken).ConfigureAwait(false);
        return Result<SiteAgent>.Ok(approved);
    }

    private static Dictionary<string, string[]> Validate(string siteId, AgentRegistration r)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(r.SiteId))
        {
            errors["siteId"] = ["Required."];
        }
        else if (r.SiteId != siteId)
        {
            errors["siteId"] = [$"Must be the site the request is for ('{siteId}'), not '{r.SiteId}'."];
        }

        if (!AgentAddress.IsValid(r.Address))
        {
            errors["address"] = ["Must be a 0x-prefixed 20-byte address."];
        }

        if (string.IsNullOrWhiteSpace(r.AgentVersion))
        {
            errors["agentVersion"] = ["Required."];
        }
        else if (r.AgentVersion.Length > MaxVersionLength || r.AgentVersion.Any(char.IsControl))
        {
            errors["agentVersion"] = [$"At most {MaxVersionLength} printable characters."];
        }

        if (r.CreatedAt is null)
        {
            errors["createdAt"] = ["Required."];
        }

        if (r.ChainId is null)
        {
            errors["chainId"] = ["Required."];
        }

        if (!AgentAddress.IsValid(r.Registry))
        {
            errors["registry"] = ["Must be a 0x-prefixed 20-byte address."];
        }

        if (r.Signature is not { Length: 132 } signature || !signature.StartsWith("0x", StringComparison.Ordinal) || !signature[2..].All(char.IsAsciiHexDigit))
        {
            errors["signature"] = ["Must be 0x and 65 bytes in hex (r ‖ s ‖ v)."];
        }

        return errors;
    }

    private static Error MissingSite(string siteId) => Error.NotFound("site", $"There is no site '{siteId}' in the catalog.");

    private static AuditEvent Audit(string actor, string action, string siteId, object payload) =>
        new(actor, action, "site:" + siteId, JsonSerializer.Serialize(payload));
}
