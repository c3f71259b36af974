using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Core.Hardware;
using Sankofa.Core.Identity;
using Sankofa.Ledger.Contracts;
using Nethereum.Contracts;
using Sankofa.Ledger.Custody;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Resources;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Tests.Custody;

/// <summary>
/// SankofaCustody with real parties: identities registered in IdentityRegistry with their own controller keys (this
/// fixture generates one key per party — supplier, carrier, receiving site, inspector, stranger — and hands each only to
/// that party's signing calls); the control plane's key only relays. Every refusal comes from the contract.
/// </summary>
public sealed class CustodyContractTests(CustodyContractTests.Parties parties) : IClassFixture<CustodyContractTests.Parties>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private ICustodyLedger Custody => parties.Host.Services.GetRequiredService<ICustodyLedger>();

    [Fact]
    public async Task A_transfer_signed_by_one_party_only_is_refused_on_chain_and_both_signatures_hand_it_on()
    {
        var asset = await RegisterAsync();
        var transfer = new CustodyAction(asset, CustodyEventKind.Transfer, Document("packing list"), To: "id-carrier");
        var digest = await Custody.DigestAsync(transfer, None);
        var sender = Sign(parties.Supplier, digest);

        // The digest computed off chain (docs/hardware.md) is the contract's own.
        var byContract = await parties.Host.Connection.Rpc.CallAsync("eth_call", None, new
        {
            to = parties.Host.Connection.CustodyAddress,
            data = Hex.Bytes([.. Abi.Selector("transferDigest(bytes32,bytes32,bytes32)"), .. LedgerIds.Of(asset), .. LedgerIds.Of("id-carrier"), .. transfer.DocumentHash]),
        }, "latest");
        Assert.Equal(Hex.Bytes(digest), byContract.GetString());

        await RefusedAsync("ECDSAInvalidSignatureLength", Custody.RecordAsync(transfer, [sender], None)); // the sender alone
        await RefusedAsync("NotReceiver", Custody.RecordAsync(transfer, [sender, sender], None)); // the sender signing for the receiver
        await RefusedAsync("NotReceiver", Custody.RecordAsync(transfer, [sender, Sign(parties.Stranger, digest)], None));
        var receiver = Sign(parties.Carrier, digest);
        await RefusedAsync("NotCustodian", Custody.RecordAsync(transfer, [receiver, receiver], None)); // the receiver alone, claiming custody
        Assert.Equal(LedgerIds.Of("id-supplier"), (await Custody.GetAssetAsync(asset, None))!.Custodian);

        var (receipt, sequence) = await Custody.RecordAsync(transfer, [sender, receiver], None);

        Assert.Equal(1, sequence);
        Assert.Equal(LedgerIds.Of("id-carrier"), (await Custody.GetAssetAsync(asset, None))!.Custodian);
        // The same signatures never count twice: the next event's digest has the next sequence.
        await RefusedAsync("NotCustodian", Custody.RecordAsync(transfer, [sender, receiver], None));
        using var reader = new CustodyReader(parties.Host.Connection.RpcUrl, parties.Host.Connection.CustodyAddress!);
        var onChain = await reader.GetEventsAsync(asset, None);
        Assert.Equal([CustodyEventKind.Registration, CustodyEventKind.Transfer], onChain.Select(e => e.Kind));
        var stored = new CustodyEvent(asset, 1, CustodyEventKind.Transfer, "id-supplier", "id-carrier", transfer.DocumentHash, null, null, null, DateTimeOffset.UnixEpoch,
            new(receipt.TransactionHash, receipt.BlockNumber));
        Assert.Empty(onChain[1].Differences(stored));
        Assert.NotEmpty(onChain[1].Differences(stored with { Counterparty = "id-stranger" }));
        Assert.Equal(receipt.BlockNumber, await reader.TransactionBlockAsync(receipt.TransactionHash, None));
    }

    [Fact]
    public async Task Only_a_supplier_registers_only_an_inspector_inspects_and_only_the_custodian_installs_and_decommissions()
    {
        var assetId = "srv-" + Guid.NewGuid().ToString("N")[..8];
        var registration = new CustodyAction(assetId, CustodyEventKind.Registration, Document("invoice"), AssetHash: Document(assetId));
        await RefusedAsync("NotSupplier", Custody.RecordAsync(registration, [Sign(parties.Carrier, await Custody.DigestAsync(registration, None))], None));
        await Custody.RecordAsync(registration, [Sign(parties.Supplier, await Custody.DigestAsync(registration, None))], None);
        Assert.True(await Custody.SignedByAsync(await Custody.DigestAsync(registration, None), Sign(parties.Supplier, await Custody.DigestAsync(registration, None)), "id-supplier", None));
        Assert.False(await Custody.SignedByAsync(await Custody.DigestAsync(registration, None), Sign(parties.Carrier, await Custody.DigestAsync(registration, None)), "id-supplier", None));

        var failed = new CustodyAction(assetId, CustodyEventKind.Inspection, Document("seal broken"), Passed: false);
        await RefusedAsync("NotInspector", Custody.RecordAsync(failed, [Sign(parties.Supplier, await Custody.DigestAsync(failed, None))], None));
        await Custody.RecordAsync(failed, [Sign(parties.Inspector, await Custody.DigestAsync(failed, None))], None);
        Assert.True((await Custody.GetAssetAsync(assetId, None))!.InspectionFailed);

        var install = new CustodyAction(assetId, CustodyEventKind.Installation, Document("rack photo"), SiteId: "edge-001", HostId: "edge-001-h01");
        await RefusedAsync("NotCustodian", Custody.RecordAsync(install, [Sign(parties.Site, await Custody.DigestAsync(install, None))], None));
        await Custody.RecordAsync(install, [Sign(parties.Supplier, await Custody.DigestAsync(install, None))], None);
        var installed = (await Custody.GetAssetAsync(assetId, None))!;
        Assert.Equal((2, Hex.Bytes(LedgerIds.Of("edge-001-h01"))), (installed.State, Hex.Bytes(installed.Host)));

        var decommission = new CustodyAction(assetId, CustodyEventKind.Decommission, Document("media destruction certificate"));
        await Custody.RecordAsync(decommission, [Sign(parties.Supplier, await Custody.DigestAsync(decommission, None))], None);
        Assert.Equal((3, 4L), ((await Custody.GetAssetAsync(assetId, None))!.State, (await Custody.GetAssetAsync(assetId, None))!.Events));
        var passed = failed with { Passed = true };
        await RefusedAsync("Decommissioned", Custody.RecordAsync(passed, [Sign(parties.Inspector, await Custody.DigestAsync(passed, None))], None));
    }

    [Fact]
    public async Task RegisterBatch_records_each_registration_as_register_does_and_refuses_the_whole_batch_when_one_signature_is_wrong()
    {
        var connection = parties.Host.Connection;
        var good = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => RegistrationAsync(parties.Supplier)));
        var forged = await RegistrationAsync(parties.Carrier); // a carrier holds no supplier role

        // All or nothing: the forged registration reverts the batch in its block, and none of the good ones is recorded.
        var mixed = await connection.Gateway.SendAsync(new TransactionRequest("test:batch:" + Guid.NewGuid(), connection.CustodyAddress, BatchData([good[0], forged, good[1]]), 3_000_000), None);
        Assert.False(mixed.Succeeded);
        foreach (var (action, _) in good)
        {
            Assert.Null(await Custody.GetAssetAsync(action.AssetId, None));
        }

        await RefusedAsync("NotSupplier", CheckBatchAsync([good[0], forged]));
        await RefusedAsync("LengthMismatch", CheckBatchAsync([good[0]], dropSignature: true));

        var batch = await connection.Gateway.SendAsync(new TransactionRequest("test:batch:" + Guid.NewGuid(), connection.CustodyAddress, BatchData(good), 3_000_000), None);
        Assert.True(batch.Succeeded);
        var single = await RegistrationAsync(parties.Supplier);
        var (alone, _) = await Custody.RecordAsync(single.Action, [single.Signature], None);

        // The same event, topics and data as a registration sent alone, one per asset, in order: readers see no difference.
        var registered = Hex.Bytes(Abi.Topic("AssetRegistered(bytes32,bytes32,bytes32,bytes32)"));
        var aloneLog = Assert.Single((await ReceiptAsync(alone.TransactionHash)).Logs);
        Assert.Equal([registered, Hex.Bytes(LedgerIds.Of(single.Action.AssetId)), Hex.Bytes(LedgerIds.Of("id-supplier"))], aloneLog.Topics);
        Assert.Equal(good.Select(g => (Hex.Bytes(LedgerIds.Of(g.Action.AssetId)), Hex.Bytes([.. g.Action.AssetHash!, .. g.Action.DocumentHash]))),
            batch.Logs.Select(l => (l.Topics[1], l.Data)));
        Assert.All(batch.Logs, l => Assert.Equal(aloneLog.Topics.Where((_, i) => i != 1), l.Topics.Where((_, i) => i != 1)));
        using var reader = new CustodyReader(connection.RpcUrl, connection.CustodyAddress!);
        foreach (var (action, _) in good.Append(single))
        {
            var registration = Assert.Single(await reader.GetEventsAsync(action.AssetId, None));
            Assert.Equal((CustodyEventKind.Registration, Hex.Bytes(action.DocumentHash)), (registration.Kind, Hex.Bytes(registration.DocumentHash)));
        }

        // A repeat inside a batch is a no-op, as a repeated register is.
        Assert.True((await connection.Gateway.SendAsync(new TransactionRequest("test:batch:" + Guid.NewGuid(), connection.CustodyAddress, BatchData([good[2], single]), 3_000_000), None)).Succeeded);
        Assert.Equal(1, (await Custody.GetAssetAsync(single.Action.AssetId, None))!.Events);
    }

    [Fact]
    public async Task Registrations_relayed_together_go_through_but_one_with_a_wrong_signature_which_is_refused_with_its_reason()
    {
        var registrations = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => RegistrationAsync(i == 3 ? parties.Inspector : parties.Supplier)));

        var outcomes = registrations.Select(r => Custody.RecordAsync(r.Action, [r.Signature], None)).ToList();

        await RefusedAsync("NotSupplier", outcomes[3]);
        foreach (var (outcome, (action, _)) in outcomes.Zip(registrations).Where((_, i) => i != 3))
        {
            var (receipt, sequence) = await outcome;
            Assert.Equal(0, sequence);
            Assert.True((await ReceiptAsync(receipt.TransactionHash)).Succeeded);
            Assert.Equal(1, (await Custody.GetAssetAsync(action.AssetId, None))!.Events);
        }

        Assert.Null(await Custody.GetAssetAsync(registrations[3].Action.AssetId, None));
    }

    private async Task<(CustodyAction Action, byte[] Signature)> RegistrationAsync(SigningKey signer)
    {
        var assetId = "disk-" + Guid.NewGuid().ToString("N")[..8];
        var registration = new CustodyAction(assetId, CustodyEventKind.Registration, Document("invoice " + assetId), AssetHash: Document(assetId));
        return (registration, Sign(signer, await Custody.DigestAsync(registration, None)));
    }

    private static byte[] BatchData(IReadOnlyList<(CustodyAction Action, byte[] Signature)> registrations, bool dropSignature = false) => new RegisterAssetsFunction
    {
        AssetIds = [.. registrations.Select(r => LedgerIds.Of(r.Action.AssetId))],
        AssetHashes = [.. registrations.Select(r => r.Action.AssetHash!)],
        DocumentHashes = [.. registrations.Select(r => r.Action.DocumentHash)],
        Signatures = [.. registrations.Skip(dropSignature ? 1 : 0).Select(r => r.Signature)],
    }.GetCallData();

    // What the custody ledger's check meets: the contract's refusal of the batch, named.
    private async Task CheckBatchAsync(IReadOnlyList<(CustodyAction Action, byte[] Signature)> registrations, bool dropSignature = false)
    {
        var connection = parties.Host.Connection;
        try
        {
            await connection.Rpc.CallAsync("eth_estimateGas", None, new { from = connection.SignerAddress, to = connection.CustodyAddress, data = Hex.Bytes(BatchData(registrations, dropSignature)) });
        }
        catch (JsonRpcException ex) when (ex.IsRevert)
        {
            var (name, text) = CustodyErrors.Describe(ex);
            throw new CustodyRefusedException(name ?? "Reverted", text);
        }
    }

    private async Task<TransactionReceipt> ReceiptAsync(string transaction) =>
        LedgerGateway.ParseReceipt(await parties.Host.Connection.Rpc.CallAsync("eth_getTransactionReceipt", None, transaction));

    private async Task<string> RegisterAsync()
    {
        var assetId = "srv-" + Guid.NewGuid().ToString("N")[..8];
        var registration = new CustodyAction(assetId, CustodyEventKind.Registration, Document("invoice " + assetId), AssetHash: Document(assetId));
        await Custody.RecordAsync(registration, [Sign(parties.Supplier, await Custody.DigestAsync(registration, None))], None);
        return assetId;
    }

    private static byte[] Document(string text) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));

    private static async Task RefusedAsync(string reason, Task call)
    {
        var refused = await Assert.ThrowsAsync<CustodyRefusedException>(() => call);
        Assert.Equal(reason, refused.Reason);
    }

    private static byte[] Sign(SigningKey key, byte[] digest)
    {
        var (r, s, recovery) = key.Sign(digest);
        return [.. r, .. s, (byte)(27 + recovery)];
    }

    /// <summary>One ledger and the parties registered with their roles, each with its own generated key.</summary>
    public sealed class Parties : IAsyncLifetime
    {
        private readonly TempDirectory _directory = new();

        internal LedgerHost Host { get; private set; } = null!;

        internal SigningKey Supplier { get; } = SigningKey.Generate();

        internal SigningKey Carrier { get; } = SigningKey.Generate();

        internal SigningKey Site { get; } = SigningKey.Generate();

        internal SigningKey Inspector { get; } = SigningKey.Generate();

        internal SigningKey Stranger { get; } = SigningKey.Generate();

        public async Task InitializeAsync()
        {
            Host = await LedgerHost.CreateAsync(_directory.Path);
            var identities = Host.Services.GetRequiredService<IIdentityLedger>();
            foreach (var (id, key, role) in new[]
            {
                ("id-supplier", Supplier, (string?)"supplier"), ("id-carrier", Carrier, "carrier"), ("id-site", Site, null), ("id-inspector", Inspector, "inspector"),
                ("id-stranger", Stranger, null),
            })
            {
                await identities.RegisterAsync(id, SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)), key.Address, None);
                if (role is not null)
                {
                    await identities.GrantRoleAsync(id, role, null, None);
                }
            }
        }

        public async Task DisposeAsync()
        {
            await Host.DisposeAsync();
            foreach (var key in new[] { Supplier, Carrier, Site, Inspector, Stranger })
            {
                key.Dispose();
            }

            _directory.Dispose();
        }
    }
}
