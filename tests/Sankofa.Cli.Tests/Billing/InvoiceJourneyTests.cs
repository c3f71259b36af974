using System.Buffers.Binary;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Cli.Billing;
using Sankofa.Core.Billing;
using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;
using Sankofa.Server.Billing;
using Sankofa.Server.Provisioning;
using Sankofa.Server.Tests.Billing;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Cli.Tests.Billing;

/// <summary>
/// The whole billing path with real parties, against a real server, the Proxmox emulator and the embedded chain: VMs
/// metered and probed hour by hour (by a clock the test drives), the hours sealed and anchored, a billing run per tenant
/// built and issued on chain; the customer's `billing verify` recomputes the invoice on its own from the proofs and the
/// chain, then signs it with its own controller key, a stranger's signature is refused by the contract; deposits settle
/// it once. A second tenant's usage changed in the store after sealing is caught by `verify`, disputed by its customer
/// with a reason, and voided by an auditor; its run starts again under a new id.
/// </summary>
public sealed class InvoiceJourneyTests : IAsyncLifetime
{
    private readonly string _keys = Directory.CreateTempSubdirectory("sankofa-billing-keys-").FullName;
    private ProvisioningHarness h = null!;
    private InvoiceSeed seed = null!;

    public async Task InitializeAsync()
    {
        h = await ProvisioningHarness.StartAsync(InvoiceSeed.Settings);
        seed = new InvoiceSeed(h);
        await CliConfig.SignInAsAdministratorAsync(h.Server.Address);
    }

    public async Task DisposeAsync()
    {
        await h.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
    }

    [Fact]
    public async Task Invoices_are_verified_signed_settled_once_and_a_tampered_one_is_caught_disputed_and_voided()
    {
        await seed.AddPriceBookAsync();
        var (tenantA, projectA) = await seed.TenantAsync();
        var (tenantB, projectB) = await seed.TenantAsync();
        var a1 = await h.CreateAsync(ProvisioningHarness.Vm(projectA, "edge-001", "a-web"));
        var a2 = await h.CreateAsync(ProvisioningHarness.Vm(projectA, "edge-002", "a-db"));
        var b1 = await h.CreateAsync(ProvisioningHarness.Vm(projectB, "edge-003", "b-web"));
        var verified = new List<ResourceResponse>();
        foreach (var id in new[] { a1.Id, a2.Id, b1.Id })
        {
            verified.Add(await h.WaitForAsync(id, ResourceStatus.Verified));
        }

        // The period: the two whole hours after every VM was Verified. a-db is stopped on its site for 20 minutes of it.
        await seed.MeasureAsync(verified, verified[1]);
        var (start, end) = (seed.Start, seed.End);

        // Tenant B's first hour is changed in the store after it was sealed: the run will read the changed figure.
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(h.DataDirectory, "sankofa.db")}"))
        {
            await db.OpenAsync();
            await using var update = db.CreateCommand();
            update.CommandText = "UPDATE resource_usage SET vcpu_seconds = vcpu_seconds * 2 WHERE resource_id = $id AND hour_start_ms = $hour";
            update.Parameters.AddWithValue("$id", b1.Id);
            update.Parameters.AddWithValue("$hour", start.ToUnixTimeMilliseconds());
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        // One run per tenant with usage in the period; built and issued by a round of the billing worker at the seed's clock.
        var runs = await seed.StartRunsAsync();
        Assert.Equal(new[] { tenantA, tenantB }.Order(StringComparer.Ordinal), runs.Select(r => r.Tenant).Order(StringComparer.Ordinal));
        Assert.All(runs, r => Assert.Equal(InvoiceStatus.Waiting, r.Status));
        var round = await seed.IssueAsync();
        Assert.True(round.Built >= 2 && round.Issued >= 2, string.Join("; ", round.Problems)
            + string.Join("; ", (await h.Client.GetFromJsonAsync<InvoicePageResponse>("api/v1/billing/invoices", Json.Options))!.Items.Select(i => i.Id + " waits for " + i.WaitingFor)));
        var idA = seed.InvoiceId(tenantA);
        var idB = seed.InvoiceId(tenantB);

        var invoiceA = (await h.Client.GetFromJsonAsync<InvoiceResponse>($"api/v1/billing/invoices/{idA}", Json.Options))!;
        Assert.Equal(InvoiceStatus.Issued, invoiceA.Status);
        Assert.Equal(new[] { a2.Id, a1.Id }.Order(StringComparer.Ordinal), invoiceA.Lines!.Select(l => l.Resource).Order(StringComparer.Ordinal));
        Assert.All(invoiceA.Lines!, l => Assert.Equal(7_200, l.Seconds));
        var credit = Assert.Single(invoiceA.Credits!); // a-db down 1,200 of 7,200 s: far under the edge's 99.5 %, so 100 %
        Assert.Equal((a2.Id, 1_200L, 100), (credit.Resource, credit.DownSeconds, credit.Percent));
        Assert.Equal(invoiceA.Subtotal - invoiceA.CreditTotal + invoiceA.Tax, invoiceA.Total);

        // The customer verifies on its own: exit 0. Tenant B's line does not match its proven hours.
        var (exit, output, error) = await RunAsync("billing", "verify", idA);
        Assert.True(exit == BillingCommand.Ok, output + error);
        Assert.Contains($"Invoice {idA} verified", output, StringComparison.Ordinal);
        var chain = await h.Server.Services.GetRequiredService<ILedgerStatus>().GetStatusAsync(CancellationToken.None); // as the deployment record names them
        (exit, output, error) = await RunAsync("billing", "verify", idA, "--rpc-url", chain.RpcUrl, "--contract", chain.BillingAddress!, "--audit-contract", chain.AuditAnchorAddress,
            "--page-size", "1");
        Assert.True(exit == BillingCommand.Ok, output + error); // the chain's endpoint and both contracts given: nothing taken from the server's ledger; the evidence read one entry a page
        (exit, output, _) = await RunAsync("billing", "verify", idB);
        Assert.Equal(BillingCommand.Failed, exit);
        Assert.Contains($"line {b1.Id}: the invoice says 7200 s, 21600 vCPU-s", output, StringComparison.Ordinal); // 2 vCPU, the first hour doubled
        Assert.Contains("the proven usage gives 7200 s, 14400 vCPU-s", output, StringComparison.Ordinal);

        // Parties with their own keys: A's billing viewer, B's tenant admin, an auditor.
        var customerA = await PartyAsync($"billing-viewer@{tenantA}");
        var customerB = await PartyAsync($"tenant-admin@{tenantB}");
        var auditor = await PartyAsync("auditor");

        // B's admin is no customer of A's invoice: the contract refuses its signature. A's viewer signs after verifying.
        (exit, _, error) = await RunAsync("billing", "sign", idA, "--key-file", customerB.KeyFile);
        Assert.Equal(BillingCommand.Error, exit);
        Assert.Contains("NotCustomer", error, StringComparison.Ordinal);
        (exit, output, error) = await RunAsync("billing", "sign", idA, "--key-file", customerA.KeyFile);
        Assert.True(exit == BillingCommand.Ok, output + error);
        Assert.Contains("is final", output, StringComparison.Ordinal);
        Assert.Contains(customerA.Address, output, StringComparison.OrdinalIgnoreCase);

        // A deposit short of the total leaves it outstanding; the next one settles it, once.
        var total = invoiceA.Total!.Value;
        (exit, _, error) = await RunAsync("billing", "deposit", "--tenant", tenantA, "--currency", "USD", "--amount", (total - 1).ToString(CultureInfo.InvariantCulture), "--reference", "wire-1");
        Assert.True(exit == BillingCommand.Ok, error);
        (exit, _, error) = await RunAsync("billing", "settle", idA);
        Assert.Equal(BillingCommand.Error, exit);
        Assert.Contains("does not cover", error, StringComparison.Ordinal);
        (exit, _, error) = await RunAsync("billing", "deposit", "--tenant", tenantA, "--currency", "USD", "--amount", "1000", "--reference", "wire-2");
        Assert.True(exit == BillingCommand.Ok, error);
        (exit, _, _) = await RunAsync("billing", "deposit", "--tenant", tenantA, "--currency", "USD", "--amount", "1000", "--reference", "wire-2"); // the same payment again
        Assert.Equal(BillingCommand.Ok, exit);
        (exit, _, error) = await RunAsync("billing", "deposit", "--tenant", tenantA, "--currency", "USD", "--amount", "5", "--reference", "wire-2");
        Assert.Equal(BillingCommand.Error, exit);
        Assert.Contains("reference", error, StringComparison.Ordinal);

        seed.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, (await seed.Billing.RunRoundAsync(CancellationToken.None)).Settled);
        (exit, _, _) = await RunAsync("billing", "settle", idA);
        Assert.Equal(BillingCommand.Error, exit); // settled already: only a final invoice is settled
        var statement = (await h.Client.GetFromJsonAsync<StatementResponse>($"api/v1/billing/statement?tenant={tenantA}", Json.Options))!;
        Assert.Equal((total - 1 + 1000 - total, 0L), (statement.Balance, statement.Outstanding));
        Assert.Equal(["wire-1", "wire-2"], statement.Deposits.Select(d => d.Reference));
        Assert.Equal(InvoiceStatus.Settled, Assert.Single(statement.Invoices).Status);
        (exit, output, _) = await RunAsync("billing", "statement", "--tenant", tenantA);
        Assert.Equal(BillingCommand.Ok, exit);
        Assert.Contains($"invoice {idA}", output, StringComparison.Ordinal);

        // The PDF and CSV of the invoice.
        var pdf = Path.Combine(_keys, "a.pdf");
        (exit, _, error) = await RunAsync("billing", "show", idA, "--pdf", pdf, "--csv", Path.Combine(_keys, "a.csv"));
        Assert.True(exit == BillingCommand.Ok, error);
        Assert.Equal("%PDF"u8.ToArray(), (await File.ReadAllBytesAsync(pdf))[..4]);
        Assert.Contains($"total,,,,,,,,{total},", await File.ReadAllTextAsync(Path.Combine(_keys, "a.csv")), StringComparison.Ordinal);

        // B's customer disputes with its reason; the auditor upholds it; the invoice is voided and its run starts again.
        (exit, output, error) = await RunAsync("billing", "dispute", idB, "--reason", "vCPU doubled in the first hour", "--key-file", customerB.KeyFile);
        Assert.True(exit == BillingCommand.Ok, output + error);
        Assert.Contains("is disputed", output, StringComparison.Ordinal);
        (exit, output, error) = await RunAsync("billing", "resolve", idB, "--upheld", "--key-file", auditor.KeyFile);
        Assert.True(exit == BillingCommand.Ok, output + error);
        Assert.Contains("is voided", output, StringComparison.Ordinal);
        using (var again = await h.Client.PostAsJsonAsync("api/v1/billing/runs", new { tenant = tenantB, periodStart = start, periodEnd = end }))
        {
            Assert.Equal(idB + "-r2", Assert.Single((await again.Content.ReadFromJsonAsync<List<InvoiceResponse>>(Json.Options))!).Id);
        }

        // Tenant isolation: A's viewer sees its invoice, not B's.
        using var viewer = new HttpClient { BaseAddress = h.Server.Address };
        viewer.DefaultRequestHeaders.Authorization = new("Bearer", customerA.Token);
        var evidence = (await viewer.GetFromJsonAsync<InvoiceEvidenceResponse>($"api/v1/billing/invoices/{idA}/evidence", Json.Options))!;
        Assert.Null(evidence.Next);

        // Framed (what verify reads): the same page as JSON without payloads, then each payload as length and bytes.
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/billing/invoices/{idA}/evidence"))
        {
            request.Headers.Accept.ParseAdd(EvidenceFrameResult.MediaType);
            using var framed = await viewer.SendAsync(request);
            Assert.Equal(EvidenceFrameResult.MediaType, framed.Content.Headers.ContentType?.MediaType);
            var frame = await framed.Content.ReadAsByteArrayAsync();
            Assert.Equal(frame.Length, framed.Content.Headers.ContentLength);
            var at = 4 + (int)BinaryPrimitives.ReadUInt32BigEndian(frame);
            var header = JsonSerializer.Deserialize<InvoiceEvidenceResponse>(frame.AsSpan(4, at - 4), Json.Options)!;
            Assert.Equal(JsonSerializer.Serialize(evidence.Entries.Select(e => e with { Payload = null }), Json.Options), JsonSerializer.Serialize(header.Entries, Json.Options));
            foreach (var entry in evidence.Entries)
            {
                var size = (int)BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(at));
                Assert.Equal(entry.Payload, frame.AsSpan(at + 4, size).ToArray());
                at += 4 + size;
            }

            Assert.Equal(frame.Length, at);
        }

        // The evidence in pages: the cursor picks up after the page's last entry; a bad cursor or size names itself.
        var page = (await viewer.GetFromJsonAsync<InvoiceEvidenceResponse>($"api/v1/billing/invoices/{idA}/evidence?limit=1", Json.Options))!;
        Assert.Equal((evidence.Entries[0].Id, evidence.Entries[0].Id.ToString(CultureInfo.InvariantCulture)), (Assert.Single(page.Entries).Id, page.Next));
        page = (await viewer.GetFromJsonAsync<InvoiceEvidenceResponse>($"api/v1/billing/invoices/{idA}/evidence?limit=1&after={page.Next}", Json.Options))!;
        Assert.Equal(evidence.Entries[1].Id, Assert.Single(page.Entries).Id);
        foreach (var (query, field) in new[] { ("limit=0", "limit"), ("limit=501", "limit"), ("after=x", "after") })
        {
            using var refused = await viewer.GetAsync($"api/v1/billing/invoices/{idA}/evidence?{query}");
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains($"\"{field}\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await viewer.GetAsync($"api/v1/billing/invoices/{idB}")).StatusCode);
        var listed = (await viewer.GetFromJsonAsync<InvoicePageResponse>("api/v1/billing/invoices", Json.Options))!;
        Assert.All(listed.Items, i => Assert.Equal(tenantA, i.Tenant));
    }

    // A service identity holding the role, its controller key in a 0600 file (the key only it holds), and its token.
    private async Task<(string KeyFile, string Address, string Token)> PartyAsync(string role)
    {
        var clientId = "m-" + Guid.NewGuid().ToString("N")[..10];
        using var created = await h.Client.PostAsJsonAsync("api/v1/identities/services", new { clientId, roles = new[] { role } });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.IsSuccessStatusCode, body.ToString());
        var key = body.GetProperty("controllerPrivateKey").GetString()!;
        var file = Path.Combine(_keys, clientId + ".key");
        await File.WriteAllTextAsync(file, key);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var (token, _) = await ClientCredentials.RequestAsync(h.Server.Address, body.GetProperty("identity").GetProperty("id").GetString()!,
            body.GetProperty("clientSecret").GetString()!); // waits until the chain lists the identity and its role
        return (file, Sankofa.Ledger.Billing.BillingTypedData.AddressOf(Convert.FromHexString(key[2..])), token);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await SankofaCommand.Create().Parse([.. args, "--server", h.Server.Address.ToString()])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
