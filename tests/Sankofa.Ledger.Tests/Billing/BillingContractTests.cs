using Microsoft.Extensions.DependencyInjection;
using Sankofa.Core.Billing;
using Sankofa.Core.Identity;
using Sankofa.Core.Topology;
using Sankofa.Ledger.Billing;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Tests.Billing;

/// <summary>
/// SankofaBilling with real parties: identities registered in IdentityRegistry with their own controller keys and roles
/// (the customer tenant-admin@t1, a billing-viewer@t1, another tenant's admin, a platform auditor), invoices issued by
/// the control plane's key and approved, disputed and resolved by the parties' EIP-712 signatures, credit deposited and
/// invoices settled; every refusal comes from the contract.
/// </summary>
public sealed class BillingContractTests(BillingContractTests.Parties parties) : IClassFixture<BillingContractTests.Parties>
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Start = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private IBillingLedger Billing => parties.Host.Services.GetRequiredService<IBillingLedger>();

    [Fact]
    public async Task The_customers_signature_makes_the_golden_invoice_final_and_settlement_debits_the_credit_once()
    {
        var invoice = await IssueAsync("t1", "inv-golden-" + Guid.NewGuid().ToString("N")[..8]);

        var onChain = (await Billing.GetInvoiceAsync(invoice.Id, None))!;
        Assert.Equal((OnChainInvoiceState.Issued, 8_498L, 825L, "USD", 1L), (onChain.State, onChain.Total, onChain.Credits, onChain.Currency, onChain.PriceBookVersion));
        Assert.Equal(invoice.Hash(), onChain.Hash);
        // The digest computed off chain (docs/billing.md) is the contract's own.
        var byContract = await parties.Host.Connection.Rpc.CallAsync("eth_call", None, new
        {
            to = parties.Host.Connection.BillingAddress, data = Hex.Bytes([.. Sankofa.Ledger.Contracts.Abi.Selector("approvalDigest(bytes32)"), .. Sankofa.Ledger.Resources.LedgerIds.Of(invoice.Id)]),
        }, "latest");
        Assert.Equal(Hex.Bytes(await Billing.ApprovalDigestAsync(invoice.Id, None)), byContract.GetString());

        await RefusedAsync("WrongState", Billing.SettleAsync(invoice.Id, None)); // not final yet
        await RefusedAsync("NotCustomer", Billing.ApproveAsync(invoice.Id, Sign(parties.Stranger, await Billing.ApprovalDigestAsync(invoice.Id, None)), None));
        var other = await IssueAsync("t1", "inv-other-" + Guid.NewGuid().ToString("N")[..8]);
        await RefusedAsync("NotCustomer", Billing.ApproveAsync(invoice.Id, Sign(parties.Customer, await Billing.ApprovalDigestAsync(other.Id, None)), None));

        await Billing.ApproveAsync(invoice.Id, Sign(parties.Customer, await Billing.ApprovalDigestAsync(invoice.Id, None)), None);
        onChain = (await Billing.GetInvoiceAsync(invoice.Id, None))!;
        Assert.Equal((OnChainInvoiceState.Final, parties.Customer.Address.ToLowerInvariant()), (onChain.State, onChain.Customer));

        // The customer of t1 is nobody's customer elsewhere: another tenant's invoice refuses its signature.
        var elsewhere = await IssueAsync("t2", invoice.Id + "-t2");
        await RefusedAsync("NotCustomer", Billing.ApproveAsync(elsewhere.Id, Sign(parties.Customer, await Billing.ApprovalDigestAsync(elsewhere.Id, None)), None));

        await Billing.DepositAsync("t1", "USD", 5_000, "pay-1-" + invoice.Id, None);
        await RefusedAsync("Shortfall", Billing.SettleAsync(invoice.Id, None));
        await Billing.DepositAsync("t1", "USD", 5_000, "pay-1-" + invoice.Id, None); // the same payment again: recorded once
        await RefusedAsync("Conflict", Billing.DepositAsync("t1", "USD", 50_000, "pay-1-" + invoice.Id, None)); // the same reference, another amount
        var before = await Billing.BalanceAsync("t1", "USD", None);
        await Billing.DepositAsync("t1", "USD", 4_000, "pay-2-" + invoice.Id, None);
        Assert.Equal(before + 4_000, await Billing.BalanceAsync("t1", "USD", None));

        await Billing.SettleAsync(invoice.Id, None);
        Assert.Equal(before + 4_000 - 8_498, await Billing.BalanceAsync("t1", "USD", None));
        Assert.Equal(OnChainInvoiceState.Settled, (await Billing.GetInvoiceAsync(invoice.Id, None))!.State);
        await RefusedAsync("WrongState", Billing.SettleAsync(invoice.Id, None)); // never twice
    }

    [Fact]
    public async Task A_dispute_is_recorded_with_its_reason_and_the_auditor_resolves_it_either_way()
    {
        var rejected = await IssueAsync("t1", "inv-dispute-" + Guid.NewGuid().ToString("N")[..8]);
        await RefusedAsync("DisputeWindowOpen", Billing.ApproveAsync(rejected.Id, Sign(parties.Auditor, await Billing.ApprovalDigestAsync(rejected.Id, None)), None));
        const string Reason = "vm-a1 was down longer than the credit says";
        await Billing.DisputeAsync(rejected.Id, Reason, Sign(parties.Viewer, await Billing.DisputeDigestAsync(rejected.Id, Reason, None)), None);
        Assert.Equal(OnChainInvoiceState.Disputed, (await Billing.GetInvoiceAsync(rejected.Id, None))!.State);
        await RefusedAsync("NotAuditor", Billing.ResolveAsync(rejected.Id, false, Sign(parties.Customer, await Billing.ResolutionDigestAsync(rejected.Id, false, None)), None));
        await Billing.ResolveAsync(rejected.Id, false, Sign(parties.Auditor, await Billing.ResolutionDigestAsync(rejected.Id, false, None)), None);
        var final = (await Billing.GetInvoiceAsync(rejected.Id, None))!;
        Assert.Equal((OnChainInvoiceState.Final, parties.Auditor.Address.ToLowerInvariant()), (final.State, final.Auditor));

        var upheld = await IssueAsync("t1", "inv-upheld-" + Guid.NewGuid().ToString("N")[..8]);
        await Billing.DisputeAsync(upheld.Id, Reason, Sign(parties.Customer, await Billing.DisputeDigestAsync(upheld.Id, Reason, None)), None);
        await Billing.ResolveAsync(upheld.Id, true, Sign(parties.Auditor, await Billing.ResolutionDigestAsync(upheld.Id, true, None)), None);
        Assert.Equal(OnChainInvoiceState.Voided, (await Billing.GetInvoiceAsync(upheld.Id, None))!.State);
        await RefusedAsync("WrongState", Billing.ApproveAsync(upheld.Id, Sign(parties.Customer, await Billing.ApprovalDigestAsync(upheld.Id, None)), None));
    }

    [Fact]
    public async Task Without_the_customers_agreement_an_auditors_approval_makes_it_final_once_the_window_has_passed()
    {
        var invoice = await IssueAsync("t1", "inv-window-" + Guid.NewGuid().ToString("N")[..8]);
        var signature = Sign(parties.Auditor, await Billing.ApprovalDigestAsync(invoice.Id, None));
        await RefusedAsync("DisputeWindowOpen", Billing.ApproveAsync(invoice.Id, signature, None));

        await parties.Host.Connection.Rpc.CallAsync("evm_increaseTime", None, 601);
        await parties.Host.Connection.Rpc.CallAsync("evm_mine", None);
        await Billing.ApproveAsync(invoice.Id, signature, None);

        Assert.Equal(OnChainInvoiceState.Final, (await Billing.GetInvoiceAsync(invoice.Id, None))!.State);
    }

    [Fact]
    public async Task An_invoice_needs_a_recorded_price_book()
    {
        var invoice = Invoice.Build("inv-nobook-" + Guid.NewGuid().ToString("N")[..8], "t1", Start, Start.AddDays(30), parties.Book with { Version = 99 }, new byte[32], 0,
            [new RatedUsage("vm-x", "p", SiteTier.Edge, 3_600, 3_600, 1024 * 3_600, 3_600)], []);

        await RefusedAsync("UnknownPriceBook", Billing.IssueAsync(invoice, None));
    }

    private async Task<Invoice> IssueAsync(string tenant, string id)
    {
        const long Month = 30 * 24 * 3600;
        var invoice = Invoice.Build(id, tenant, Start, Start.AddDays(30), parties.Book, Enumerable.Repeat((byte)7, 32).ToArray(), 1_500,
        [
            new RatedUsage("vm-a1", "p-a", SiteTier.Core, Month, 2 * Month, 4096L * Month, 40L * Month),
            new RatedUsage("vm-a2", "p-a", SiteTier.Edge, 1_000, 1_000, 1024L * 1_000, 10L * 1_000),
            new RatedUsage("vm-b3", "p-b", SiteTier.Regional, 2_500, 2_500, 512L * 2_500, 5L * 2_500),
            new RatedUsage("vm-b4", "p-b", SiteTier.Regional, 3_500, 3_500, 512L * 3_500, 5L * 3_500),
        ],
        [new ResourceAvailability("vm-a1", Month, 600), new ResourceAvailability("vm-b4", 3_500, 200)]);
        await Billing.IssueAsync(invoice, None);
        return invoice;
    }

    private static async Task RefusedAsync(string reason, Task call)
    {
        var refused = await Assert.ThrowsAsync<BillingRefusedException>(() => call);
        Assert.Equal(reason, refused.Reason);
    }

    private static byte[] Sign(SigningKey key, byte[] digest)
    {
        var (r, s, recovery) = key.Sign(digest);
        return [.. r, .. s, (byte)(27 + recovery)];
    }

    /// <summary>One ledger (a ten-minute dispute window), its price book, and the parties registered with their roles.</summary>
    public sealed class Parties : IAsyncLifetime
    {
        private readonly TempDirectory _directory = new();

        internal LedgerHost Host { get; private set; } = null!;

        internal PriceBook Book { get; } = new(1, Start, "USD", 2,
        [
            .. new[] { SiteTier.Core, SiteTier.Regional, SiteTier.Edge }.SelectMany(t => new Price[]
            {
                new(t, BillingDimension.VCpu, t switch { SiteTier.Core => 4_200_000, SiteTier.Regional => 3_600_000, _ => 5_000_000 }),
                new(t, BillingDimension.RamGiB, t switch { SiteTier.Core => 600_000, SiteTier.Regional => 500_000, _ => 700_000 }),
                new(t, BillingDimension.DiskGiB, t switch { SiteTier.Core => 15_000, SiteTier.Regional => 12_000, _ => 20_000 }),
            }),
        ]);

        internal SigningKey Customer { get; } = SigningKey.Generate();

        internal SigningKey Viewer { get; } = SigningKey.Generate();

        internal SigningKey Stranger { get; } = SigningKey.Generate();

        internal SigningKey Auditor { get; } = SigningKey.Generate();

        public async Task InitializeAsync()
        {
            Host = await LedgerHost.CreateAsync(_directory.Path, new Dictionary<string, string?> { ["Ledger:BillingDisputeWindow"] = "00:10:00" });
            var identities = Host.Services.GetRequiredService<IIdentityLedger>();
            foreach (var (id, key, role, scope) in new[]
            {
                ("id-customer", Customer, "tenant-admin", (string?)"t1"), ("id-viewer", Viewer, "billing-viewer", "t1"),
                ("id-stranger", Stranger, "tenant-admin", "t2"), ("id-auditor", Auditor, "auditor", null),
            })
            {
                await identities.RegisterAsync(id, System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)), key.Address, None);
                await identities.GrantRoleAsync(id, role, scope, None);
            }

            await Host.Services.GetRequiredService<IBillingLedger>().RecordPriceBookAsync(Book.Version, Book.Hash(), Book.EffectiveFrom, None);
        }

        public async Task DisposeAsync()
        {
            await Host.DisposeAsync();
            foreach (var key in new[] { Customer, Viewer, Stranger, Auditor })
            {
                key.Dispose();
            }

            _directory.Dispose();
        }
    }
}
