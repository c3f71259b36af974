using Sankofa.Core.Access;
using Sankofa.Core.Agents;
using Sankofa.Core.Ledger;
using Sankofa.Core.Tests.Fakes;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Tests.Agents;

/// <summary>The agent registry over in-memory ports: what a registration must carry, approval, and who may do either.</summary>
public class AgentRegistryTests
{
    private const string Registry = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
    private const long ChainId = 31337;
    private static readonly Caller Admin = new("admin", "admin", [new RoleGrant(Roles.PlatformAdmin)]);
    private static readonly Caller Auditor = new("aud", "aud", [new RoleGrant(Roles.Auditor)]);
    private static readonly Caller TenantAdmin = new("ta", "ta", [new RoleGrant(Roles.TenantAdmin, "a")]);
    private static readonly Caller Viewer = new("v", "v", [new RoleGrant(Roles.Viewer, "a")]);

    private readonly InMemoryAgentStore store = new();
    private readonly AgentRegistry registry;
    private readonly AgentQueries queries;

    public AgentRegistryTests()
    {
        registry = new AgentRegistry(store, SiteCatalog.Default, new Chain(), new FakeResourceLedger(), new Proofs(), TimeProvider.System);
        queries = new AgentQueries(store, SiteCatalog.Default);
    }

    private static string Key(char digit) => "0x" + new string(digit, 40);

    /// <summary>A registration whose "signature" <see cref="Proofs"/> takes as made by <paramref name="signer"/> for <paramref name="site"/>.</summary>
    private static AgentRegistration Registration(string site, string key, string? signer = null) =>
        new(site, key, "1.0.0", DateTimeOffset.UnixEpoch, ChainId, Registry, Proofs.Signature(site, signer ?? key));

    [Fact]
    public async Task A_registration_whose_proof_recovers_its_key_is_stored_pending_with_its_audit_event_once()
    {
        var registered = await registry.RegisterAsync(Admin, "api:admin", "edge-001", Registration("edge-001", Key('A')), default);
        var again = await registry.RegisterAsync(Admin, "api:admin", "edge-001", Registration("edge-001", Key('A')), default);

        Assert.Equal((AgentState.Pending, Key('a'), "admin"), (registered.Value!.State, registered.Value.Address, registered.Value.RegisteredBy));
        Assert.Equal((ErrorKind.Conflict, "address"), (again.Error!.Kind, again.Error.Fields.Keys.Single()));
        var audit = Assert.Single(store.Audit);
        Assert.Equal(("api:admin", "site.agent.registered", "site:edge-001"), (audit.Actor, audit.Action, audit.Subject));
        Assert.Contains(Key('a'), audit.Payload, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("signature")]
    [InlineData("siteId")]
    [InlineData("chainId")]
    [InlineData("registry")]
    [InlineData("address")]
    [InlineData("agentVersion")]
    public async Task A_registration_at_fault_is_refused_naming_the_field_and_stores_nothing(string field)
    {
        var good = Registration("edge-001", Key('b'));
        var bad = field switch
        {
            "signature" => good with { Signature = Proofs.Signature("edge-001", Key('c')) },
            "siteId" => good with { SiteId = "edge-002" },
            "chainId" => good with { ChainId = 1 },
            "registry" => good with { Registry = Key('d') },
            "address" => good with { Address = "0x12" },
            _ => good with { AgentVersion = "" },
        };

        var refused = await registry.RegisterAsync(Admin, "api:admin", "edge-001", bad, default);

        Assert.Equal(ErrorKind.Invalid, refused.Error!.Kind);
        Assert.Contains(field, refused.Error.Fields.Keys);
        Assert.Empty(store.Audit);
    }

    [Fact]
    public async Task An_unknown_site_is_not_found_for_every_call()
    {
        var registered = await registry.RegisterAsync(Admin, "api:admin", "atlantis-1", Registration("atlantis-1", Key('e')), default);
        var approved = await registry.ApproveAsync(Admin, "api:admin", "atlantis-1", Key('e'), default);
        var listed = await queries.ListAsync(Admin, new AgentListRequest("atlantis-1"), default);

        Assert.All(new[] { registered.Error, approved.Error, listed.Error }, e => Assert.Equal((ErrorKind.NotFound, "site"), (e!.Kind, e.Fields.Keys.Single())));
    }

    [Fact]
    public async Task Approval_records_the_key_once_and_a_site_with_an_approved_key_refuses_another()
    {
        await registry.RegisterAsync(Admin, "api:admin", "edge-003", Registration("edge-003", Key('1')), default);
        await registry.RegisterAsync(Admin, "api:admin", "edge-003", Registration("edge-003", Key('2')), default);

        var approved = await registry.ApproveAsync(Admin, "api:admin", "edge-003", Key('1'), default);
        var again = await registry.ApproveAsync(Admin, "api:admin", "edge-003", Key('1'), default);
        var other = await registry.ApproveAsync(Admin, "api:admin", "edge-003", Key('2'), default);
        var unknown = await registry.ApproveAsync(Admin, "api:admin", "edge-003", Key('3'), default);

        Assert.Equal(AgentState.Approved, approved.Value!.State);
        Assert.NotNull(approved.Value.KeyTransaction);
        Assert.Equal(approved.Value, again.Value);
        Assert.Equal((ErrorKind.Conflict, "address"), (other.Error!.Kind, other.Error.Fields.Keys.Single()));
        Assert.Equal((ErrorKind.NotFound, "address"), (unknown.Error!.Kind, unknown.Error.Fields.Keys.Single()));
        Assert.Equal(["site.agent.registered", "site.agent.registered", "site.agent.approved"], store.Audit.Select(a => a.Action));
    }

    [Fact]
    public async Task Only_platform_roles_see_agents_and_only_administrators_register_or_approve_them()
    {
        await registry.RegisterAsync(Admin, "api:admin", "edge-004", Registration("edge-004", Key('4')), default);

        Assert.Single((await queries.ListAsync(Auditor, new AgentListRequest(), default)).Value!.Items);
        foreach (var tenantRole in new[] { TenantAdmin, Viewer })
        {
            Assert.Equal("agents.read", (await queries.ListAsync(tenantRole, new AgentListRequest(), default)).Error!.MissingPermission);
            Assert.Equal("agents.write", (await registry.RegisterAsync(tenantRole, "x", "edge-004", Registration("edge-004", Key('5')), default)).Error!.MissingPermission);
            Assert.Equal("agents.approve", (await registry.ApproveAsync(tenantRole, "x", "edge-004", Key('4'), default)).Error!.MissingPermission);
        }

        Assert.Equal("agents.approve", (await registry.ApproveAsync(Auditor, "x", "edge-004", Key('4'), default)).Error!.MissingPermission);
        Assert.Equal(AgentState.Pending, (await store.GetAsync("edge-004", Key('4'), default))!.State);
    }

    [Fact]
    public async Task Lists_page_in_registration_order_and_refuse_a_limit_out_of_range()
    {
        foreach (var digit in "6789")
        {
            await registry.RegisterAsync(Admin, "api:admin", "edge-005", Registration("edge-005", Key(digit)), default);
        }

        var first = (await queries.ListAsync(Admin, new AgentListRequest("edge-005", Limit: 3), default)).Value!;
        var rest = (await queries.ListAsync(Admin, new AgentListRequest("edge-005", first.Next, 3), default)).Value!;

        Assert.Equal([Key('6'), Key('7'), Key('8'), Key('9')], first.Items.Concat(rest.Items).Select(a => a.Address));
        Assert.Null(rest.Next);
        Assert.Equal("limit", (await queries.ListAsync(Admin, new AgentListRequest(Limit: 0), default)).Error!.Fields.Keys.Single());
    }

    /// <summary>A rotation of <paramref name="site"/> from <paramref name="from"/> to <paramref name="to"/>, consented to by <paramref name="consentBy"/>.</summary>
    private static AgentRotation Rotation(string site, string from, string to, string? consentBy = null) =>
        new(Registration(site, to), from, Proofs.RotationSignature(site, consentBy ?? from, to));

    private async Task ApprovedKeyAsync(string site, string key)
    {
        await registry.RegisterAsync(Admin, "api:admin", site, Registration(site, key), default);
        Assert.Equal(AgentState.Approved, (await registry.ApproveAsync(Admin, "api:admin", site, key, default)).Value!.State);
    }

    [Fact]
    public async Task A_rotation_consented_to_by_the_approved_key_is_pending_and_its_approval_approves_the_new_key_and_retires_the_old()
    {
        await ApprovedKeyAsync("edge-006", Key('a'));

        var submitted = await registry.SubmitRotationAsync(Admin, "api:admin", "edge-006", Rotation("edge-006", Key('a'), Key('b')), default);
        Assert.Equal((AgentState.Pending, Key('a')), (submitted.Value!.State, submitted.Value.RotatesFrom));
        var approved = await registry.ApproveAsync(Admin, "api:admin", "edge-006", Key('b'), default);

        Assert.Equal(AgentState.Approved, approved.Value!.State);
        var old = (await store.GetAsync("edge-006", Key('a'), default))!;
        Assert.Equal((AgentState.Rotated, approved.Value.KeyTransaction, "admin"), (old.State, old.RetireTransaction, old.RetiredBy));
        Assert.Equal(["site.agent.registered", "site.agent.approved", "site.agent.rotation-requested", "site.agent.rotated"], store.Audit.Select(a => a.Action));
        // The rotated key is never approved again, nor revoked: it is no longer the site's.
        Assert.Equal(ErrorKind.Conflict, (await registry.ApproveAsync(Admin, "x", "edge-006", Key('a'), default)).Error!.Kind);
        Assert.Equal(ErrorKind.Conflict, (await registry.RevokeAsync(Admin, "x", "edge-006", Key('a'), default)).Error!.Kind);
    }

    [Theory]
    [InlineData("rotationSignature")]
    [InlineData("previousAddress")]
    [InlineData("signature")]
    [InlineData("address")]
    public async Task A_rotation_at_fault_is_refused_naming_the_field_and_stores_nothing(string field)
    {
        await ApprovedKeyAsync("edge-007", Key('c'));
        var audited = store.Audit.Count;
        var good = Rotation("edge-007", Key('c'), Key('d'));
        var bad = field switch
        {
            "rotationSignature" => Rotation("edge-007", Key('c'), Key('d'), consentBy: Key('e')),
            "previousAddress" => good with { PreviousAddress = "0x12" },
            "signature" => good with { Registration = good.Registration with { Signature = Proofs.Signature("edge-007", Key('e')) } },
            _ => good with { Registration = good.Registration with { Address = Key('c') } },
        };

        var refused = await registry.SubmitRotationAsync(Admin, "api:admin", "edge-007", bad, default);

        Assert.Equal(ErrorKind.Invalid, refused.Error!.Kind);
        Assert.Contains(field, refused.Error.Fields.Keys);
        Assert.Equal(audited, store.Audit.Count);
    }

    [Fact]
    public async Task A_rotation_from_a_key_that_is_not_the_approved_one_is_a_conflict_naming_the_previous_address()
    {
        var none = await registry.SubmitRotationAsync(Admin, "api:admin", "edge-008", Rotation("edge-008", Key('1'), Key('2')), default);
        await ApprovedKeyAsync("edge-008", Key('3'));
        var other = await registry.SubmitRotationAsync(Admin, "api:admin", "edge-008", Rotation("edge-008", Key('1'), Key('2')), default);

        Assert.Equal((ErrorKind.Conflict, "previousAddress"), (none.Error!.Kind, none.Error.Fields.Keys.Single()));
        Assert.Equal((ErrorKind.Conflict, "previousAddress"), (other.Error!.Kind, other.Error.Fields.Keys.Single()));
    }

    [Fact]
    public async Task Revocation_takes_an_approved_key_off_with_its_transaction_refuses_a_pending_one_for_good_and_is_for_administrators_only()
    {
        await ApprovedKeyAsync("edge-009", Key('4'));
        await registry.RegisterAsync(Admin, "api:admin", "edge-009", Registration("edge-009", Key('5')), default);

        Assert.Equal("agents.approve", (await registry.RevokeAsync(Auditor, "x", "edge-009", Key('4'), default)).Error!.MissingPermission);
        Assert.Equal("agents.approve", (await registry.RevokeAsync(TenantAdmin, "x", "edge-009", Key('4'), default)).Error!.MissingPermission);
        var revoked = (await registry.RevokeAsync(Admin, "api:admin", "edge-009", Key('4'), default)).Value!;
        var again = (await registry.RevokeAsync(Admin, "api:admin", "edge-009", Key('4'), default)).Value!;
        var refused = (await registry.RevokeAsync(Admin, "api:admin", "edge-009", Key('5'), default)).Value!;

        Assert.Equal((AgentState.Revoked, "admin"), (revoked.State, revoked.RetiredBy));
        Assert.NotNull(revoked.RetireTransaction);
        Assert.Equal(revoked, again);
        Assert.Equal(AgentState.Revoked, refused.State);
        Assert.Null(refused.RetireTransaction); // never on chain: nothing to take off
        Assert.Equal(ErrorKind.Conflict, (await registry.ApproveAsync(Admin, "x", "edge-009", Key('5'), default)).Error!.Kind);
        Assert.Equal(2, store.Audit.Count(a => a.Action == "site.agent.revoked"));
    }

    private sealed class Chain : ILedgerStatus
    {
        public Task<LedgerStatus> GetStatusAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new LedgerStatus("http://chain", ChainId, 1, Key('0'), Registry, Key('0'), true, Key('0')));
    }

    /// <summary>Stands in for the secp256k1 recovery: a "signature" names its signer and the site it was made for, for this chain and contract only.</summary>
    private sealed class Proofs : ISiteKeyProofs
    {
        public static string Signature(string site, string signer)
        {
            var bytes = new byte[65];
            Convert.FromHexString(signer.AsSpan(2)).CopyTo(bytes, 0);
            bytes[20] = (byte)site.GetHashCode(StringComparison.Ordinal);
            return "0x" + Convert.ToHexStringLower(bytes);
        }

        public string? Signer(string registry, long chainId, string siteId, string key, byte[] signature) =>
            registry == Registry && chainId == ChainId && signature[20] == (byte)siteId.GetHashCode(StringComparison.Ordinal)
                ? "0x" + Convert.ToHexStringLower(signature.AsSpan(0, 20))
                : null;

        /// <summary>A "rotation signature" names its signer, the site, and the new key it hands the site to.</summary>
        public static string RotationSignature(string site, string signer, string newKey)
        {
            var bytes = Convert.FromHexString(Signature(site, signer).AsSpan(2));
            Convert.FromHexString(newKey.AsSpan(2)).CopyTo(bytes, 21);
            return "0x" + Convert.ToHexStringLower(bytes);
        }

        public string? RotationSigner(string registry, long chainId, string siteId, string oldKey, string newKey, byte[] signature) =>
            signature.AsSpan(21, 20).SequenceEqual(Convert.FromHexString(newKey.AsSpan(2))) ? Signer(registry, chainId, siteId, oldKey, signature) : null;
    }
}
