using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Credentials;
using Sankofa.Ledger.Keys;

namespace Sankofa.Ledger.Tests.Identity.Credentials;

/// <summary>did:ethr resolution from the IdentityRegistry on a real anvil.</summary>
public sealed class DidResolutionTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private CredentialTestKit Kit => new(fixture.Host);

    [Fact]
    public async Task An_identity_DID_resolves_to_a_document_naming_its_controller_address_as_an_active_recovery_key()
    {
        var kit = Kit;
        var identity = await kit.RegisterAsync();

        var resolution = await kit.Resolver.ResolveAsync(identity.Did, None);

        Assert.NotNull(resolution);
        var did = $"did:ethr:0x7a69:{identity.Key.Address.ToLowerInvariant()}";
        Assert.Equal(did, resolution.Document.Id);
        var method = Assert.Single(resolution.Document.VerificationMethod);
        Assert.Equal(did + "#controller", method.Id);
        Assert.Equal("EcdsaSecp256k1RecoveryMethod2020", method.Type);
        Assert.Equal(did, method.Controller);
        Assert.Equal($"eip155:31337:{identity.Key.Address.ToLowerInvariant()}", method.BlockchainAccountId);
        Assert.Equal([method.Id], resolution.Document.Authentication);
        Assert.Equal([method.Id], resolution.Document.AssertionMethod);
        Assert.Equal(IdentityStatus.Active, resolution.Metadata.Status);
        Assert.False(resolution.Metadata.Deactivated);
        Assert.False(resolution.Metadata.ControlPlane);
    }

    [Fact]
    public async Task The_bare_form_means_this_chain_and_a_checksummed_address_resolves_the_same_identity()
    {
        var kit = Kit;
        var identity = await kit.RegisterAsync();
        Assert.True(EthrDid.TryParse("did:ethr:" + identity.Key.Address, out var bare, out _)); // EIP-55 mixed case

        var resolution = await kit.Resolver.ResolveAsync(bare, None);

        Assert.NotNull(resolution);
        Assert.Equal("did:ethr:" + identity.Key.Address.ToLowerInvariant(), resolution.Document.Id);
        Assert.Equal(identity.Did.ToString(), resolution.Metadata.CanonicalId);
        Assert.Equal(IdentityStatus.Active, resolution.Metadata.Status);
    }

    [Fact]
    public async Task The_control_plane_DID_resolves_from_its_signing_address_without_a_registry_entry()
    {
        var kit = Kit;
        var did = kit.Resolver.ControlPlaneDid();

        var resolution = await kit.Resolver.ResolveAsync(did, None);

        Assert.Equal(kit.Connection.SignerAddress.ToLowerInvariant(), did.Address);
        Assert.NotNull(resolution);
        Assert.True(resolution.Metadata.ControlPlane);
        Assert.Null(resolution.Metadata.Status);
        Assert.False(resolution.Metadata.Deactivated);
        Assert.Null(await kit.Identities.FindByControllerAsync(did.Address, None));
    }

    [Fact]
    public async Task An_address_no_identity_controls_and_a_DID_of_another_chain_resolve_to_nothing()
    {
        var kit = Kit;
        var identity = await kit.RegisterAsync();
        using var stranger = SigningKey.Generate();

        Assert.Null(await kit.Resolver.ResolveAsync(EthrDid.For(31337, stranger.Address), None));
        Assert.Null(await kit.Resolver.ResolveAsync(EthrDid.For(1, identity.Key.Address), None));
    }

    [Fact]
    public async Task A_suspended_identity_DID_is_deactivated_until_reinstated_and_a_revoked_one_for_good()
    {
        var kit = Kit;
        var identity = await kit.RegisterAsync();

        await kit.Identities.SuspendAsync(identity.Id, None);
        var suspended = await kit.Resolver.ResolveAsync(identity.Did, None);
        await kit.Identities.ReinstateAsync(identity.Id, None);
        var reinstated = await kit.Resolver.ResolveAsync(identity.Did, None);
        var revocation = await kit.Identities.RevokeAsync(identity.Id, None);
        var revoked = await kit.Resolver.ResolveAsync(identity.Did, None);

        Assert.True(suspended!.Metadata.Deactivated);
        Assert.Equal(IdentityStatus.Suspended, suspended.Metadata.Status);
        Assert.False(reinstated!.Metadata.Deactivated);
        Assert.True(revoked!.Metadata.Deactivated);
        Assert.Equal(IdentityStatus.Revoked, revoked.Metadata.Status);
        Assert.Equal(revocation.BlockNumber, revoked.Metadata.UpdatedBlock);
        Assert.Equal(identity.Did.ToString(), revoked.Document.Id);
    }
}
