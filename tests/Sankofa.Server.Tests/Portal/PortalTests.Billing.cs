using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Sankofa.Core.Billing;
using Sankofa.Core.Provisioning;
using Sankofa.Server.Billing;
using Sankofa.Server.Tests.Billing;
using Sankofa.Server.Tests.Identity;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Tests.Provisioning;
using static Microsoft.Playwright.Assertions;

namespace Sankofa.Server.Tests.Portal;

/// <summary>The billing and SLA pages over a real invoice, issued on chain from metered and probed hours.</summary>
public sealed partial class PortalTests
{
    [Fact]
    public async Task A_billing_viewer_sees_its_invoice_verified_against_the_chain_downloads_it_and_sees_the_sla_breach_it_credits()
    {
        // Two projects of a new tenant, a VM in each; the database's is stopped on its site for 20 minutes of the period.
        var h = fixture.Harness;
        var seed = new InvoiceSeed(h);
        await seed.AddPriceBookAsync();
        var (tenant, web) = await seed.TenantAsync();
        var data = "p-" + Guid.NewGuid().ToString("N")[..8];
        using (var created = await h.Client.PostAsJsonAsync($"api/v1/tenants/{tenant}/projects", new { id = data, name = "Data", quota = new { vcpu = 8, ramMiB = 16384, diskGiB = 200, vms = 2 } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var shop = await h.CreateAsync(ProvisioningHarness.Vm(web, "edge-001", "shop-web"));
        var database = await h.CreateAsync(ProvisioningHarness.Vm(data, "edge-002", "shop-db"));
        var verified = new[] { await h.WaitForAsync(shop.Id, ResourceStatus.Verified), await h.WaitForAsync(database.Id, ResourceStatus.Verified) };
        await seed.MeasureAsync(verified, verified[1]);
        await seed.StartRunsAsync(tenant);
        var round = await seed.IssueAsync();
        var id = seed.InvoiceId(tenant);
        var invoice = (await h.Client.GetFromJsonAsync<InvoiceResponse>($"api/v1/billing/invoices/{id}", Json.Options))!;
        Assert.True(invoice.Status == InvoiceStatus.Issued, $"{invoice.Status}, waiting for {invoice.WaitingFor}; {string.Join("; ", round.Problems)}");
        var viewer = (await TestIdentities.UserAsync(h.Server, "billing-viewer@" + tenant, PortalFixture.Password)).UserName;

        // GraphQL answers the invoice, the statement and the SLA report as REST does.
        var period = $"from: \"{seed.Start:O}\", to: \"{seed.End:O}\"";
        using (var graph = await h.Client.PostAsJsonAsync("graphql", new
        {
            query = $"{{ invoice(id: \"{id}\") {{ status totalText hash lines {{ resource amount }} credits {{ resource percent }} }} " +
                $"statement(tenant: \"{tenant}\") {{ outstandingText invoices {{ id }} }} slaReport(tenant: \"{tenant}\", {period}) {{ totals {{ breaches }} }} }}",
        }))
        {
            var answer = (await graph.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("data");
            var graphInvoice = answer.GetProperty("invoice");
            Assert.Equal(("ISSUED", invoice.TotalText, invoice.Hash), (graphInvoice.GetProperty("status").GetString(), graphInvoice.GetProperty("totalText").GetString(), graphInvoice.GetProperty("hash").GetString()));
            Assert.Equal(invoice.Lines!.Select(l => (l.Resource, l.Amount)), graphInvoice.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("resource").GetString()!, l.GetProperty("amount").GetInt64())));
            Assert.Equal(database.Id, Assert.Single(graphInvoice.GetProperty("credits").EnumerateArray()).GetProperty("resource").GetString());
            Assert.Equal(invoice.TotalText, answer.GetProperty("statement").GetProperty("outstandingText").GetString());
            Assert.Equal(1, answer.GetProperty("slaReport").GetProperty("totals").GetProperty("breaches").GetInt32());
        }

        await using var session = await browser.OpenAsync(Server);
        var page = session.Page;
        await SignInAsync(session, viewer);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Resources" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Billing" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Billing" })).ToBeVisibleAsync();

        // The invoice, its total and status, nobody's signature yet; the credit on chain is nothing, the invoice outstanding.
        var row = page.Locator($"[data-testid=invoice-row][data-id='{id}']");
        await Expect(row.Locator("[data-testid=invoice-total]")).ToHaveTextAsync($"{invoice.TotalText} USD");
        await Expect(row.Locator("[data-testid=invoice-status]")).ToContainTextAsync("issued");
        await Expect(page.Locator("[data-testid=balance]")).ToHaveTextAsync("0.00 USD");
        await Expect(page.Locator("[data-testid=outstanding]")).ToHaveTextAsync($"{invoice.TotalText} USD");
        await Expect(page.Locator("[data-testid=spend-chart] path.mud-chart-bar")).ToHaveCountAsync(2); // one bar per project
        await Expect(page.Locator("[data-testid=spend-table] tbody tr")).ToHaveCountAsync(2);

        // The PDF through the portal's session (no API token in the browser).
        var download = await page.RunAndWaitForDownloadAsync(() => row.Locator("[data-testid=pdf-link]").ClickAsync());
        Assert.Equal($"{id}.pdf", download.SuggestedFilename);
        Assert.Equal("%PDF"u8.ToArray(), (await File.ReadAllBytesAsync((await download.PathAsync())!))[..4]);
        await session.CheckAsync("billing");

        // The detail: lines per project, the credit, and the server's own check against the chain.
        await row.GetByRole(AriaRole.Link, new() { Name = id, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = id })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=project-lines]")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid=credits]")).ToContainTextAsync(database.Id);
        await Expect(page.Locator("[data-testid=invoice-hash]")).ToHaveTextAsync(invoice.Hash!);
        await Expect(page.Locator("[data-testid=verification-status]")).ToHaveTextAsync("verified", new() { Timeout = 30_000 });
        await Expect(page.Locator("[data-testid=sign-command]")).ToContainTextAsync($"sankofa billing sign {id} --key-file ");
        await session.CheckAsync("invoice");

        // The SLA report of the invoice's period: the database VM down 1,200 of 7,200 s, far under the edge's 99.5 %.
        await page.Locator("[data-testid=sla-link]").ClickAsync();
        var db = page.Locator($"[data-testid=sla-row][data-resource='{database.Id}']");
        await Expect(db.Locator("[data-testid=availability]")).ToHaveTextAsync("83.3333 %");
        await Expect(db.Locator("[data-testid=down]")).ToHaveTextAsync("1200");
        await Expect(db.Locator("[data-testid=breach]")).ToHaveTextAsync("breached");
        await Expect(db.Locator("[data-testid=credit]")).ToHaveTextAsync("100 %");
        var up = page.Locator($"[data-testid=sla-row][data-resource='{shop.Id}']");
        await Expect(up.Locator("[data-testid=availability]")).ToHaveTextAsync("100.0000 %");
        await Expect(up.Locator("[data-testid=breach]")).ToHaveTextAsync("met");
        await Expect(page.Locator("[data-testid=breaches]")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-testid=sla-chart] path.mud-chart-bar")).ToHaveCountAsync(4); // availability and target per VM
        await session.CheckAsync("sla");

        // A reader sees the price books but none of billing-admin's actions (and the services would refuse them).
        await page.GetByRole(AriaRole.Link, new() { Name = "Billing" }).ClickAsync();
        await Expect(page.Locator($"[data-testid=invoice-row][data-id='{id}']")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Record deposit" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Start run" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Price books" }).ClickAsync();
        await Expect(page.Locator("[data-testid=price-book-row]").First).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=price-book-form]")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create version" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_billing_admin_makes_the_next_price_book_after_a_field_error_records_a_deposit_seen_as_credit_and_starts_a_run_seen_in_the_list()
    {
        var h = fixture.Harness;
        var seed = new InvoiceSeed(h);
        await seed.AddPriceBookAsync();
        var (tenant, _) = await seed.TenantAsync();
        var latest = (await h.Client.GetFromJsonAsync<List<PriceBookResponse>>("api/v1/billing/prices", Json.Options))!.Last();
        var admin = (await TestIdentities.UserAsync(h.Server, "billing-admin", PortalFixture.Password)).UserName;

        await using var session = await browser.OpenAsync(Server);
        var page = session.Page;
        await SignInAsync(session, admin);
        await page.GetByRole(AriaRole.Link, new() { Name = "Billing" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Price books" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Price books" })).ToBeVisibleAsync();
        await Expect(page.Locator($"[data-testid=price-book-row][data-version='{latest.Version}']")).ToContainTextAsync(latest.Hash);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"New version {latest.Version + 1}" })).ToBeVisibleAsync();

        // A date not after the latest version's and a negative rate: the service's words, each under its own field.
        var effectiveFrom = page.GetByLabel("Effective from (UTC)");
        var next = await effectiveFrom.InputValueAsync(); // the form proposes the first of a month after the latest version
        var coreVcpu = page.GetByLabel("core vcpu-hour (millionths of a minor unit)");
        await effectiveFrom.FillAsync("2020-01-01T00:00:00Z");
        await coreVcpu.FillAsync("-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create version" }).ClickAsync();
        await Expect(Field(page, effectiveFrom)).ToContainTextAsync($"Must be after version {latest.Version}'s");
        await Expect(Field(page, coreVcpu)).ToContainTextAsync("Required, 0 or more");
        await Expect(page.Locator("[data-testid=problem]")).ToBeVisibleAsync();
        await session.CheckAsync("price-book-field-errors");

        await effectiveFrom.FillAsync(next);
        await coreVcpu.FillAsync("4200000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create version" }).ClickAsync();
        await Expect(page.Locator("[data-testid=created]")).ToContainTextAsync($"Version {latest.Version + 1} is in force from {next}; its hash is recorded on chain in 0x");
        var row = page.Locator($"[data-testid=price-book-row][data-version='{latest.Version + 1}']");
        await Expect(row.Locator("[data-testid=price-book-chain]")).ToContainTextAsync(new Regex("^0x[0-9a-f]{64}"));
        await Expect(page.Locator("[data-testid=price][data-tier=core][data-dimension=vcpu-hour]")).ToHaveTextAsync("0.042 (4200000)");
        await Expect(page.Locator("[data-testid=price][data-tier=edge][data-dimension=vcpu-hour]")).ToHaveTextAsync("0.05 (5000000)"); // the rest as the latest's
        var made = (await h.Client.GetFromJsonAsync<PriceBookResponse>($"api/v1/billing/prices/{latest.Version + 1}", Json.Options))!;
        Assert.Equal((next, 4_200_000L), (made.EffectiveFrom.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), made.Prices[0].MicroMinorPerUnitHour!.Value));
        await Expect(row.Locator("[data-testid=price-book-hash]")).ToHaveTextAsync(made.Hash);
        await session.CheckAsync("price-books");

        // A deposit for the new tenant, typed as an amount: refused with a third decimal, then 12.34 USD is its credit on chain.
        await page.GetByRole(AriaRole.Link, new() { Name = "Billing" }).ClickAsync();
        await page.GetByLabel("Tenant").First.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = tenant, Exact = true }).ClickAsync();
        await Expect(page.Locator("[data-testid=balance]")).ToHaveTextAsync("0.00 USD");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record deposit" }).ClickAsync();
        var amount = page.GetByLabel("Amount", new() { Exact = true });
        var reference = "wire-" + Guid.NewGuid().ToString("N")[..8];
        // Typed once the form has read the price books (the help then names USD's decimals): a value typed while that
        // first load re-renders the form was seen lost once (the circuit still had no amount when Record was clicked).
        await Expect(Field(page, amount)).ToContainTextAsync("In USD, at most 2 decimals");
        await amount.FillAsync("12.345");
        await page.GetByLabel("Payment reference").FillAsync(reference);
        await page.GetByRole(AriaRole.Button, new() { Name = "Record", Exact = true }).ClickAsync();
        await Expect(Field(page, amount)).ToContainTextAsync("'12.345' is not an amount in USD with at most 2 decimals.");
        await amount.FillAsync("12.34");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record", Exact = true }).ClickAsync();
        await Expect(page.Locator("[data-testid=deposit-recorded]")).ToContainTextAsync($"Deposit {reference}: 12.34 USD for {tenant}, credited on chain in 0x");
        await Expect(page.Locator("[data-testid=balance]")).ToHaveTextAsync("12.34 USD");
        var statement = await h.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"api/v1/billing/statement?tenant={tenant}");
        Assert.Equal(1234, statement.GetProperty("balance").GetInt64());
        Assert.Equal(reference, Assert.Single(statement.GetProperty("deposits").EnumerateArray()).GetProperty("reference").GetString());
        await session.CheckAsync("deposit");

        // Last calendar month's run for the tenant: started, answered as it stands, and listed with the invoices.
        var (start, end) = BillingRunService.LastMonth(DateTimeOffset.UtcNow);
        var run = BillingRunService.InvoiceId(tenant, start, end);
        await page.GetByRole(AriaRole.Button, new() { Name = "Start run" }).ClickAsync();
        await Expect(page.Locator("[data-testid=run-form]")).ToContainTextAsync($"Only {tenant}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start", Exact = true }).ClickAsync();
        await Expect(page.Locator("[data-testid=run-started]")).ToContainTextAsync($"{run} ({tenant}): waiting");
        await Expect(page.Locator($"[data-testid=invoice-row][data-id='{run}']")).ToBeVisibleAsync();
        await session.CheckAsync("run-started");
    }

    /// <summary>The form field (MudBlazor's input control: label, input, helper or error text) holding <paramref name="input"/>.</summary>
    private static ILocator Field(IPage page, ILocator input) => page.Locator(".mud-input-control", new() { Has = input });
}
