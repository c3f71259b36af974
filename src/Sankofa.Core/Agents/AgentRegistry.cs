using System.Text.Json;
using Sankofa.Core.Access;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Agents;

/// <summary>
/// Registers site agents' keys, approves, rotates and revokes them: a registration is accepted (pending) only with the
/// key's own signature over the site-key digest of this chain and contract, a rotation only with the approved key's
/// signature over the rotation digest as well; approval records the key on chain as the site's (or rotates it there),
/// revocation takes it off. Platform roles only: tenants see nothing of agents. Each change is stored with its audit entry.
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
        var checkedRegistration = await CheckAsync(caller, siteId, registration, null, cancellationToken).ConfigureAwait(false);
        if (checkedRegistration.Error is { } error)
        {
            return error;
        }

        var agent = checkedRegistration.Value!;
        return await AddAsync(agent, Audit(actor, "site.agent.registered", siteId, new { address = agent.Address, version = agent.Version, signedAt = agent.SignedAt }),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Accepts a rotation for <paramref name="siteId"/> as a pending agent: the new key's registration checked as
    /// <see cref="RegisterAsync"/> checks one, and the consent of the site's approved key, its signature over the rotation
    /// digest of (site, approved key, new key). Approving it (<see cref="ApproveAsync"/>) rotates the key on chain.
    /// </summary>
    /// <exception cref="LedgerUnavailableException">The chain cannot be read, so the signatures cannot be checked.</exception>
    public async Task<Result<SiteAgent>> SubmitRotationAsync(Caller caller, string actor, string siteId, AgentRotation? rotation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var checkedRegistration = await CheckAsync(caller, siteId, rotation?.Registration, rotation, cancellationToken).ConfigureAwait(false);
        if (checkedRegistration.Error is { } error)
        {
            return error;
        }

        var agent = checkedRegistration.Value!;
        var previous = AgentAddress.Normalize(rotation!.PreviousAddress!);
        var current = await ApprovedAsync(siteId, cancellationToken).ConfigureAwait(false);
        if (current?.Address != previous)
        {
            return Error.Conflict("previousAddress", current is null
                ? $"Site '{siteId}' has no approved key to rotate from; register and approve the key instead."
                : $"Site '{siteId}''s approved key is {current.Address}, not {previous}; a rotation is signed by the approved key.");
        }

        var status = await chain.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        var consent = Convert.FromHexString(rotation.RotationSignature!.AsSpan(2));
        var signer = proofs.RotationSigner(status.ResourceRegistryAddress, status.ChainId, siteId, previous, agent.Address, consent);
        if (signer is null || !string.Equals(signer, previous, StringComparison.OrdinalIgnoreCase))
        {
            return Error.Of(ErrorKind.Invalid, "rotationSignature",
                $"Not the signature of key {previous} over site {siteId}'s rotation digest to {agent.Address} for this chain and contract (docs/agent.md).");
        }

        agent = agent with { RotatesFrom = previous, RotationSignature = consent };
        return await AddAsync(agent, Audit(actor, "site.agent.rotation-requested", siteId,
            new { address = agent.Address, previousAddress = previous, version = agent.Version, signedAt = agent.SignedAt }), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Approves a pending agent: records its key on chain as the site's (<c>setSiteKey</c>), or for a rotation hands the
    /// site over from the old key (<c>rotateSiteKey</c>, the old key then <see cref="AgentState.Rotated"/>); then marks it
    /// approved. Approving an approved agent again changes nothing.
    /// </summary>
    /// <exception cref="LedgerUnavailableException">The chain cannot be reached; the agent stays pending and approval may be repeated.</exception>
    public async Task<Result<SiteAgent>> ApproveAsync(Caller caller, string actor, string siteId, string address, CancellationToken cancellationToken)
    {
        var found = await FindAsync(caller, siteId, address, cancellationToken).ConfigureAwait(false);
        if (found.Error is { } error)
        {
            return error;
        }

        var agent = found.Value!;
        address = agent.Address;
        switch (agent.State)
        {
            case AgentState.Approved:
                return Result<SiteAgent>.Ok(agent);
            case AgentState.Revoked or AgentState.Rotated:
                return Error.Conflict("address", $"Key {address} of site '{siteId}' is {agent.State.ToString().ToLowerInvariant()}; such a key is never approved again.");
        }

        var current = await ApprovedAsync(siteId, cancellationToken).ConfigureAwait(false);
        if (agent.RotatesFrom is { } previous)
        {
            return await RotateAsync(caller, actor, agent, previous, current, cancellationToken).ConfigureAwait(false);
        }

        if (current is not null)
        {
            return Error.Conflict("address", $"Site '{siteId}' has an approved key already ({current.Address}); replacing it is a rotation, signed by the old key.");
        }

        // Once a board governs the contracts, registering a site key is its decision: when its timelock has already
        // registered this key, the control plane records that transaction instead of sending one (which it may not).
        LedgerReceipt receipt;
        if (string.Equals(await ledger.GetSiteKeyAsync(siteId, cancellationToken).ConfigureAwait(false), address, StringComparison.OrdinalIgnoreCase)
            && await ledger.FindSiteKeyRegistrationAsync(siteId, address, cancellationToken).ConfigureAwait(false) is { } registered)
        {
            receipt = registered;
        }
        else
        {
            try
            {
                // With the key's own signature, so the contract itself checks that the key's holder presented it.
                receipt = await ledger.RegisterSiteKeyAsync(siteId, address, agent.Proof, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                // The contract refused it (the site has another key, say the direct mode's; or a board governs): nothing was recorded.
                return Error.Conflict("address", $"The chain refused key {address} for site '{siteId}': {ex.Message}"
                    + BoardDecides(ex, "a new site key is its decision: a member proposes ResourceRegistry.setSiteKey(site, key, proof) with this agent's proof", "approving"));
            }
        }

        var approved = await store.ApproveAsync(siteId, address, caller.Id, time.GetUtcNow(), receipt,
            Audit(actor, "site.agent.approved", siteId, new { address, transaction = receipt.TransactionHash, block = receipt.BlockNumber }),
            cancellationToken).ConfigureAwait(false);
        return Result<SiteAgent>.Ok(approved);
    }

    /// <summary>
    /// Revokes an agent's key. An approved key is taken off chain first (<c>revokeSiteKey</c>, an administrator's act);
    /// the site then has no key, and its attestations and link fail until another key is approved. A pending one (a
    /// registration or rotation never approved) is refused for good without a transaction. Revoking again changes nothing.
    /// </summary>
    /// <exception cref="LedgerUnavailableException">The chain cannot be reached; the agent stays as it was and revocation may be repeated.</exception>
    public async Task<Result<SiteAgent>> RevokeAsync(Caller caller, string actor, string siteId, string address, CancellationToken cancellationToken)
    {
        var found = await FindAsync(caller, siteId, address, cancellationToken).ConfigureAwait(false);
        if (found.Error is { } error)
        {
            return error;
        }

        var agent = found.Value!;
        address = agent.Address;
        switch (agent.State)
        {
            case AgentState.Revoked:
                return Result<SiteAgent>.Ok(agent);
            case AgentState.Rotated:
                return Error.Conflict("address", $"Key {address} of site '{siteId}' was rotated away: it is no longer the site's key, and never can be again.");
        }

        LedgerReceipt? receipt = null;
        if (agent.State == AgentState.Approved)
        {
            // revokeSiteKey clears whatever key the site has: never send it when the chain holds another key than this one.
            var onChain = await ledger.GetSiteKeyAsync(siteId, cancellationToken).ConfigureAwait(false);
            if (onChain is not null && !string.Equals(onChain, address, StringComparison.OrdinalIgnoreCase))
            {
                return Error.Conflict("address", $"The chain holds key {onChain} for site '{siteId}', not {address}; nothing was revoked.");
            }

            try
            {
                // Also when the chain holds no key any more (an earlier attempt landed): the repeat is a no-op there, and its receipt is kept.
                receipt = await ledger.RevokeSiteKeyAsync(siteId, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException) when (onChain is null)
            {
                // Not ours to send (a board governs the contracts) and already done: the board's revocation has run.
            }
            catch (InvalidOperationException ex)
            {
                return Error.Conflict("address", $"The chain refused to revoke site '{siteId}''s key: {ex.Message}"
                    + BoardDecides(ex, "revoking a site key is its decision: a member proposes ResourceRegistry.revokeSiteKey(site)", "revoking"));
            }
        }

        var revoked = await store.RevokeAsync(siteId, address, caller.Id, time.GetUtcNow(), receipt,
            Audit(actor, "site.agent.revoked", siteId, new { address, wasApproved = agent.State == AgentState.Approved, transaction = receipt?.TransactionHash, block = receipt?.BlockNumber }),
            cancellationToken).ConfigureAwait(false);
        return Result<SiteAgent>.Ok(revoked);
    }

    private async Task<Result<SiteAgent>> RotateAsync(Caller caller, string actor, SiteAgent agent, string previous, SiteAgent? current, CancellationToken cancellationToken)
    {
        var (siteId, address) = (agent.SiteId, agent.Address);
        if (current?.Address != previous)
        {
            return Error.Conflict("address", current is null
                ? $"This rotation hands site '{siteId}' over from {previous}, which is no longer its key (revoked or rotated); the site has no key to rotate."
                : $"This rotation hands site '{siteId}' over from {previous}, but its key is now {current.Address}; a new rotation signed by that key is needed.");
        }

        LedgerReceipt receipt;
        try
        {
            // Both signatures as the agent made them: the chain checks the old key's consent and the new key's possession itself.
            receipt = await ledger.RotateSiteKeyAsync(siteId, address, agent.RotationSignature!, agent.Proof, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            return Error.Conflict("address", $"The chain refused to rotate site '{siteId}' to key {address}: {ex.Message}");
        }

        var rotated = await store.RotateAsync(siteId, address, previous, caller.Id, time.GetUtcNow(), receipt,
            Audit(actor, "site.agent.rotated", siteId, new { address, previousAddress = previous, transaction = receipt.TransactionHash, block = receipt.BlockNumber }),
            cancellationToken).ConfigureAwait(false);
        return Result<SiteAgent>.Ok(rotated);
    }

    /// <summary>The checks an approval and a revocation share: the permission, the site, the address, the agent.</summary>
    private async Task<Result<SiteAgent>> FindAsync(Caller caller, string siteId, string address, CancellationToken cancellationToken)
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
        return await store.GetAsync(siteId, address, cancellationToken).ConfigureAwait(false) is { } agent
            ? Result<SiteAgent>.Ok(agent)
            : Error.NotFound("address", $"Site '{siteId}' has no agent with key {address}.");
    }

    /// <summary>The site's approved agent, or null.</summary>
    private async Task<SiteAgent?> ApprovedAsync(string siteId, CancellationToken cancellationToken) =>
        (await store.ListAsync(siteId, null, int.MaxValue, cancellationToken).ConfigureAwait(false)).FirstOrDefault(a => a.State == AgentState.Approved);

    /// <summary>
    /// Checks a registration (of a new key, or of a rotation's new key) field by field and its proof of possession
    /// against this chain and contract, and returns the pending agent it makes; a rotation's own fields are checked
    /// for form here, so every field at fault is named at once.
    /// </summary>
    private async Task<Result<SiteAgent>> CheckAsync(Caller caller, string siteId, AgentRegistration? registration, AgentRotation? rotation, CancellationToken cancellationToken)
    {
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
            return Error.Invalid(new Dictionary<string, string[]> { ["body"] = [$"The {(rotation is null ? "registration (registration.json)" : "rotation (rotation.json)")} is required."] });
        }

        var errors = Validate(siteId, registration);
        if (rotation is not null)
        {
            if (!AgentAddress.IsValid(rotation.PreviousAddress))
            {
                errors["previousAddress"] = ["Must be a 0x-prefixed 20-byte address."];
            }
            else if (AgentAddress.IsValid(registration.Address) && string.Equals(rotation.PreviousAddress, registration.Address, StringComparison.OrdinalIgnoreCase))
            {
                errors["address"] = ["The new key must differ from the previous one."];
            }

            if (!IsSignature(rotation.RotationSignature))
            {
                errors["rotationSignature"] = ["Must be 0x and 65 bytes in hex (r ‖ s ‖ v)."];
            }
        }

        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        var status = await chain.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        if (registration.ChainId != status.ChainId)
        {
            return Error.Of(ErrorKind.Invalid, "chainId", $"Signed for chain {registration.ChainId}; this control plane records on chain {status.ChainId}. Run the agent against this server.");
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

        return Result<SiteAgent>.Ok(new SiteAgent(0, siteId, address, registration.AgentVersion!, AgentState.Pending, time.GetUtcNow(), caller.Id,
            registration.CreatedAt!.Value, proof, null, null, null, null, null));
    }

    private async Task<Result<SiteAgent>> AddAsync(SiteAgent agent, AuditEvent audit, CancellationToken cancellationToken)
    {
        try
        {
            return Result<SiteAgent>.Ok(await store.AddAsync(agent, audit, cancellationToken).ConfigureAwait(false));
        }
        catch (StoreConflictException)
        {
            return Error.Conflict("address", $"Site '{agent.SiteId}' has key {agent.Address} registered already.");
        }
    }

    private static bool IsSignature(string? value) =>
        value is { Length: 132 } && value.StartsWith("0x", StringComparison.Ordinal) && value[2..].All(char.IsAsciiHexDigit);

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

        if (!IsSignature(r.Signature))
        {
            errors["signature"] = ["Must be 0x and 65 bytes in hex (r ‖ s ‖ v)."];
        }

        return errors;
    }

    private static Error MissingSite(string siteId) => Error.NotFound("site", $"There is no site '{siteId}' in the catalog.");

    // The contract refuses the control plane's key what only the board may do (docs/governance.md): say so, and how.
    private static string BoardDecides(InvalidOperationException refusal, string decision, string again) =>
        refusal.Message.Contains("AccessControlUnauthorizedAccount", StringComparison.Ordinal)
            ? $" A board governs the contracts, so {decision} (docs/governance.md), and {again} again once it has run records it here."
            : string.Empty;

    private static AuditEvent Audit(string actor, string action, string siteId, object payload) =>
        new(actor, action, "site:" + siteId, JsonSerializer.Serialize(payload));
}
