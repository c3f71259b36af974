using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Core;
using Sankofa.Core.Audit;
using Sankofa.Core.Billing;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;
using Sankofa.Core.Topology;
using Sankofa.Server.Tests.Identity.Oidc;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Server.Tests.Identity.Access;

/// <summary>
/// Walks every endpoint (REST and GraphQL) × every role × own and other tenant against a real server, with tokens from
/// its issuer for identities the chain lists as active. Two tenants, A and B, each with a project, a resource and a
/// member. Each cell's status is stated here, independently of the code's matrix, from docs/identity.md; and for every
/// caller scoped to tenant A, no answer may carry anything of tenant B (its ids appear nowhere), and B's ids must answer
/// exactly as ids that do not exist. The portal's reads are walked through the Core query services its pages call.
/// One failure list for the whole walk, so a leak names its cell.
/// </summary>
public sealed class AccessMatrixTests : IAsyncLifetime
{
    private const string Admin = "platform-admin", TenantAdmin = "tenant-admin@A", Operator = "operator@A", Auditor = "auditor",
        TenantAuditor = "auditor@A", Viewer = "viewer@A", Agent = "site-agent@edge-001", Anonymous = "anonymous",
        BillingAdmin = "billing-admin", BillingViewer = "billing-viewer@A";

    // Holds nothing but personal-data requests (and reading identities, the audit log, sites, the ledger): walked on those routes.
    private const string PrivacyOfficer = "privacy-officer";

    private static readonly string[] Callers = [Admin, TenantAdmin, Operator, Auditor, TenantAuditor, Viewer, Agent, Anonymous];

    // The billing roles hold nothing but billing (and reading sites, tenants, the ledger): walked on the billing routes and fields.
    private static readonly string[] BillingCallers = [BillingAdmin, BillingViewer];

    private readonly string suffix = Guid.NewGuid().ToString("N")[..6];
    private readonly Dictionary<string, string?> tokens = [];
    private readonly Dictionary<string, string> ids = [];
    private readonly List<string> failures = [];
    private ProvisioningHarness h = null!;

    // Tenant A's and B's things. B's ids are unique strings, so a leak shows as a substring of any answer.
    private string tenantA = null!, tenantB = null!, projectA = null!, projectB = null!, resourceA = null!, resourceB = null!, memberA = null!, memberB = null!;

    // A billing run of each tenant (waiting: no price book is ever added here), so an invoice of A and one of B exist.
    private string invoiceA = null!, invoiceB = null!;

    public async Task InitializeAsync()
    {
        h = await ProvisioningHarness.StartAsync();
        (tenantA, tenantB) = ("ta-" + suffix, "tb-" + suffix);
        (projectA, projectB) = ("pa-" + suffix, "pb-" + suffix);
        foreach (var (tenant, project) in new[] { (tenantA, projectA), (tenantB, projectB) })
        {
            await CreatedAsync(h.Client.PostAsJsonAsync("api/v1/tenants", new { id = tenant, name = "Tenant " + tenant, quota = Quota() }));
            // One VM allowed: with the resource below the project is full, so an allowed request is refused for quota
            // after the access check (422) and nothing is created by the walk.
            await CreatedAsync(h.Client.PostAsJsonAsync($"api/v1/tenants/{tenant}/projects", new { id = project, name = "Project " + project, quota = Quota(vms: 1) }));
        }

        resourceA = (await h.CreateAsync(ProvisioningHarness.Vm(projectA, "edge-001", "a-1"))).Id;
        resourceB = (await h.CreateAsync(ProvisioningHarness.Vm(projectB, "edge-002", "b-1"))).Id;

        // Each role as a service account of its own, the tenant roles within A; plus a plain member of each tenant.
        var signedIn = Callers.Where(c => c != Anonymous).Concat(BillingCallers).Append(PrivacyOfficer).ToList();
        var accounts = await Task.WhenAll(signedIn.Select(c => ServiceAsync(Role(c))));
        foreach (var (caller, (id, token)) in signedIn.Zip(accounts))
        {
            tokens[caller] = token;
            ids[caller] = id;
        }

        tokens[Anonymous] = null;
        memberA = (await ServiceAsync("viewer@" + tenantA)).Id;
        memberB = (await ServiceAsync("viewer@" + tenantB)).Id;
        (invoiceA, invoiceB) = (await RunAsync(tenantA), await RunAsync(tenantB));
    }

    private async Task<string> RunAsync(string tenant)
    {
        using var started = await h.Client.PostAsJsonAsync("api/v1/billing/runs", new { tenant, periodStart = "2020-01-01T00:00:00Z", periodEnd = "2020-01-01T01:00:00Z" });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        return (await started.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("id").GetString()!;
    }

    public async Task DisposeAsync() => await h.DisposeAsync();

    [Fact]
    public async Task Every_endpoint_answers_each_role_as_the_matrix_says_and_never_shows_another_tenant()
    {
        // Fleet-wide facts: any signed-in caller; the chain's status even without a token.
        await CheckAsync("GET sites", Get("api/v1/sites?limit=5"), Everyone(200));
        await CheckAsync("GET site", Get("api/v1/sites/edge-001"), Everyone(200));
        await CheckAsync("GET ledger", Get("api/v1/ledger"), Everyone(200, anonymous: 200));
        await CheckAsync("GET governance", Get("api/v1/governance"), Everyone(404, anonymous: 404)); // public; this server's contracts have no board
        await CheckAsync("POST chain rpc", () => Json(HttpMethod.Post, "chain/rpc", () => new { jsonrpc = "2.0", id = 1, method = "eth_blockNumber" }), Everyone(200, anonymous: 200));
        await CheckAsync("GET me", Get("api/v1/me"), Everyone(200));

        // Tenants and projects: B is invisible to A's roles, exactly like a tenant that does not exist.
        await CheckAsync("GET tenants", Get("api/v1/tenants"), Except(200, (Agent, 403)));
        foreach (var (what, tenant) in new[] { ("own", tenantA), ("other", tenantB), ("missing", "tz-" + suffix) })
        {
            var own = what == "own";
            var exists = what != "missing";
            await CheckAsync($"GET tenant ({what})", Get($"api/v1/tenants/{tenant}"),
                Except(own ? 200 : 404, (Admin, exists ? 200 : 404), (Auditor, exists ? 200 : 404), (Agent, 403)));
            await CheckAsync($"GET tenant projects ({what})", Get($"api/v1/tenants/{tenant}/projects"),
                Except(own ? 200 : 404, (Admin, exists ? 200 : 404), (Auditor, exists ? 200 : 404), (Agent, 403)));
            await CheckAsync($"POST project ({what})", () => Json(HttpMethod.Post, $"api/v1/tenants/{tenant}/projects", () => new { id = "px-" + Guid.NewGuid().ToString("N")[..8], name = "X", quota = Quota() }),
                Except(403, (Admin, exists ? 201 : 404), (TenantAdmin, own ? 201 : 404)));
        }

        foreach (var (what, project) in new[] { ("own", projectA), ("other", projectB), ("missing", "pz-" + suffix) })
        {
            var own = what == "own";
            var exists = what != "missing";
            await CheckAsync($"GET project ({what})", Get($"api/v1/projects/{project}"),
                Except(own ? 200 : 404, (Admin, exists ? 200 : 404), (Auditor, exists ? 200 : 404), (Agent, 403)));
            await CheckAsync($"POST placements ({what} project)", () => Json(HttpMethod.Post, "api/v1/placements", Vm(project)),
                Except(own ? 422 : 404, (Admin, exists ? 422 : 404), (Auditor, exists ? 422 : 404), (Agent, 403)));
            await CheckAsync($"POST resource ({what} project)", () => Json(HttpMethod.Post, "api/v1/resources", Vm(project)),
                Except(403, (Admin, exists ? 422 : 404), (TenantAdmin, own ? 422 : 404), (Operator, own ? 422 : 404)));
        }

        await CheckAsync("POST tenant", () => Json(HttpMethod.Post, "api/v1/tenants", () => new { id = "tx-" + Guid.NewGuid().ToString("N")[..8], name = "X", quota = Quota() }),
            Except(403, (Admin, 201)));

        foreach (var (what, project) in new[] { ("own", projectA), ("other", projectB), ("missing", "px-" + suffix) })
        {
            var own = what == "own";
            var exists = what != "missing";
            await CheckAsync($"GET project usage ({what})", Get($"api/v1/projects/{project}/usage"),
                Except(own ? 200 : 404, (Admin, exists ? 200 : 404), (Auditor, exists ? 200 : 404), (Agent, 403)));
        }

        // Resources: lists hold only the caller's tenants; another tenant's resource is a missing one.
        await CheckAsync("GET resources", Get("api/v1/resources"), Except(200, (Agent, 403)));
        await CheckAsync("GET resources filtered to B", Get($"api/v1/resources?tenantId={tenantB}"), Except(200, (Agent, 403)));
        foreach (var (what, id) in new[] { ("own", resourceA), ("other", resourceB), ("missing", "vm-" + suffix) })
        {
            var own = what == "own";
            var exists = what != "missing";
            await CheckAsync($"GET resource ({what})", Get($"api/v1/resources/{id}"),
                Except(own ? 200 : 404, (Admin, exists ? 200 : 404), (Auditor, exists ? 200 : 404), (Agent, 403)));
            await CheckAsync($"GET usage ({what})", Get($"api/v1/resources/{id}/usage"),
                Except(own ? 200 : 404, (Admin, exists ? 200 : 404), (Auditor, exists ? 200 : 404), (Agent, 403)));
            await CheckAsync($"GET provenance ({what})", Get($"api/v1/resources/{id}/provenance"),
                Except(own ? 200 : 404, (Admin, exists ? 200 : 404), (Auditor, exists ? 200 : 404), (Agent, 403)));
        }

        // Resizing is writing: the same cells as deleting.
        await CheckAsync("PATCH resource (other)", Json(HttpMethod.Patch, $"api/v1/resources/{resourceB}", new { vcpu = 2 }),
            Except(404, (Admin, null), (Auditor, 403), (TenantAuditor, 403), (Viewer, 403), (Agent, 403)));
        await CheckAsync("PATCH resource (own, not allowed)", Json(HttpMethod.Patch, $"api/v1/resources/{resourceA}", new { vcpu = 2 }),
            Only((Auditor, 403), (TenantAuditor, 403), (Viewer, 403), (Agent, 403), (Anonymous, 401)));

        // Deleting: refusals first (nothing happens), then one allowed delete of A's resource by its operator.
        await CheckAsync("DELETE resource (other)", () => Send(HttpMethod.Delete, $"api/v1/resources/{resourceB}"),
            Except(404, (Admin, null), (Auditor, 403), (TenantAuditor, 403), (Viewer, 403), (Agent, 403)));
        await CheckAsync("DELETE resource (own, not allowed)", () => Send(HttpMethod.Delete, $"api/v1/resources/{resourceA}"),
            Only((Auditor, 403), (TenantAuditor, 403), (Viewer, 403), (Agent, 403), (Anonymous, 401)));

        // The audit log is platform-wide: only platform administrators and auditors read it.
        await CheckAsync("GET audit entries", Get("api/v1/audit/entries?limit=5"), Except(403, (Admin, 200), (Auditor, 200)));
        await CheckAsync("GET audit chain", Get("api/v1/audit/chain?limit=5"), Except(403, (Admin, 200), (Auditor, 200)));
        await CheckAsync("GET audit entry", Get("api/v1/audit/entries/1"), Except(403, (Admin, 200), (Auditor, 200)));
        await CheckAsync("GET audit verification", Get("api/v1/audit/entries/1/verification"), Except(403, (Admin, 200), (Auditor, 200)));
        await CheckAsync("GET audit batch", Get("api/v1/audit/batches/999999"), Except(403, (Admin, 404), (Auditor, 404)));
        await CheckAsync("POST audit entry", () => Json(HttpMethod.Post, "api/v1/audit/entries", new { actor = "x", action = "test.recorded", subject = "s", payload = new { } }),
            Except(403, (Admin, 201)));
        // Retention (docs/compliance.md): audit.archive is platform-wide (operator, platform administrator); reading the
        // retention status takes audit.read or audit.archive. Bodies without a cut-off, so nothing is archived here.
        await CheckAsync("GET audit retention", Get("api/v1/audit/retention"), Except(403, (Admin, 200), (Auditor, 200)));
        await CheckAsync("GET audit archives", Get("api/v1/audit/archives"), Except(403, (Admin, 200), (Auditor, 200)));
        await CheckAsync("POST audit archive", () => Json(HttpMethod.Post, "api/v1/audit/archives", new { }), Except(403, (Admin, 400)));
        await CheckAsync("DELETE audit entries", Send(HttpMethod.Delete, "api/v1/audit/entries"), Except(403, (Admin, 400)));

        // Residency: residency.read within A for its administrator, operator and auditor; B answers them as a missing tenant.
        foreach (var (what, tenant) in new[] { ("own", tenantA), ("other", tenantB), ("missing", "tz-" + suffix) })
        {
            var own = what == "own";
            var exists = what != "missing";
            await CheckAsync($"GET residency ({what})", Get($"api/v1/compliance/residency?tenant={tenant}&from=2020-01-01T00:00:00Z"),
                Except(own ? 200 : 404, (Admin, exists ? 200 : 404), (Auditor, exists ? 200 : 404), (Viewer, 403), (Agent, 403)));
        }

        // Control evidence (docs/compliance.md): evidence.read and evidence.run, platform-wide, for the administrator and the
        // auditor. A period that has not ended is refused, so nothing is run here.
        await CheckAsync("GET evidence runs", Get("api/v1/compliance/evidence-runs"), Except(403, (Admin, 200), (Auditor, 200)));
        await CheckAsync("GET evidence run", Get("api/v1/compliance/evidence-runs/999999"), Except(403, (Admin, 404), (Auditor, 404)));
        await CheckAsync("GET evidence package", Get("api/v1/compliance/evidence-runs/999999/package"), Except(403, (Admin, 404), (Auditor, 404)));
        await CheckAsync("GET evidence report", Get("api/v1/compliance/evidence-runs/999999/report"), Except(403, (Admin, 404), (Auditor, 404)));
        await CheckAsync("POST evidence run", () => Json(HttpMethod.Post, "api/v1/compliance/evidence-runs", new { from = "2020-01-01T00:00:00Z", to = "2999-01-01T00:00:00Z" }),
            Except(403, (Admin, 400), (Auditor, 400)));

        // Billing: billing.read is held by the platform administrator, the auditor and billing administrator (platform-wide),
        // and within A by its tenant administrator, auditor and billing viewer; billing.write (price books, runs, deposits)
        // only platform-wide. Price books are the same for every tenant; B's runs answer A's readers as missing ones.
        await CheckAsync("GET price books", Get("api/v1/billing/prices"), BillingReaders(200));
        await CheckAsync("GET price book", Get("api/v1/billing/prices/999999"), BillingReaders(404));
        await CheckAsync("POST price book", () => Json(HttpMethod.Post, "api/v1/billing/prices", new { }), BillingWriters(400));
        await CheckAsync("POST billing runs", () => Json(HttpMethod.Post, "api/v1/billing/runs", new { periodStart = "2020-01-01T00:30:00Z", periodEnd = "2020-01-01T01:00:00Z" }),
            BillingWriters(400));
        await CheckAsync("POST deposit", () => Json(HttpMethod.Post, "api/v1/billing/deposits", new { }), BillingWriters(400));
        await CheckAsync("GET invoices", Get("api/v1/billing/invoices"), BillingReaders(200));
        await CheckAsync("GET invoices filtered to B", Get($"api/v1/billing/invoices?tenant={tenantB}"), BillingReaders(200));
        foreach (var (what, id) in new[] { ("own", invoiceA), ("other", invoiceB), ("missing", "inv-" + suffix) })
        {
            // A waiting run is read (200) but has no invoice yet to show, sign or settle: 409 once access is granted.
            await CheckAsync($"GET invoice ({what})", Get($"api/v1/billing/invoices/{id}"), BillingReaders(own: 200, other: 200, what));
            foreach (var (route, method, body) in new (string, HttpMethod, object?)[]
            {
                ("evidence", HttpMethod.Get, null), ("pdf", HttpMethod.Get, null), ("csv", HttpMethod.Get, null), ("settlement", HttpMethod.Post, null),
                ("approvals", HttpMethod.Post, new { }), ("disputes", HttpMethod.Post, new { }), ("resolutions", HttpMethod.Post, new { }),
            })
            {
                var status = body is null ? 409 : 400; // an empty signed body is refused naming its fields first
                await CheckAsync($"{method} invoice {route} ({what})", body is null ? Send(method, $"api/v1/billing/invoices/{id}/{route}") : Json(method, $"api/v1/billing/invoices/{id}/{route}", body),
                    BillingReaders(own: status, other: status, what));
            }
        }

        // Statements and SLA reports: billing.read within the tenant (another tenant answers as a missing one); without a
        // tenant, a caller reading billing platform-wide must name one (400), a tenant's reader gets its own.
        foreach (var (what, tenant) in new[] { ("own", tenantA), ("other", tenantB), ("missing", "tz-" + suffix) })
        {
            await CheckAsync($"GET statement ({what})", Get($"api/v1/billing/statement?tenant={tenant}"), BillingReaders(own: 200, other: 200, what));
            await CheckAsync($"GET sla report ({what})", Get($"api/v1/sla?tenant={tenant}"), BillingReaders(own: 200, other: 200, what));
        }

        await CheckAsync("GET statement (no tenant)", Get("api/v1/billing/statement"), BillingReaders(platform: 400, tenant: 200));
        await CheckAsync("GET sla report (no tenant)", Get("api/v1/sla"), BillingReaders(platform: 400, tenant: 200));

        // Hardware assets are the platform's (docs/hardware.md): assets.read platform-wide (administrator, auditor), assets.write
        // the administrator's (and the supplier's, carrier's and inspector's, walked in HardwareCustodyTests); no tenant role.
        await CheckAsync("GET assets", Get("api/v1/assets"), Except(403, (Admin, 200), (Auditor, 200)));
        await CheckAsync("GET asset", Get("api/v1/assets/srv-missing-" + suffix), Except(403, (Admin, 404), (Auditor, 404)));
        await CheckAsync("POST asset", () => Json(HttpMethod.Post, "api/v1/assets", new { }), Except(403, (Admin, 400)));
        await CheckAsync("POST custody event", () => Json(HttpMethod.Post, "api/v1/assets/srv-missing-" + suffix + "/custody", new { }), Except(403, (Admin, 404)));
        await CheckAsync("POST custody digest", () => Json(HttpMethod.Post, "api/v1/assets/srv-missing-" + suffix + "/custody/digest", new { }),
            Except(403, (Admin, 404), (Auditor, 404)));
        await CheckAsync("GET custody document", Get("api/v1/assets/documents/0x" + new string('0', 64)), Except(403, (Admin, 404), (Auditor, 404)));

        // Site agents are the platform's: no tenant role (nor a site's agent) sees or changes them.
        await CheckAsync("GET agents", Get("api/v1/agents"), Except(403, (Admin, 200), (Auditor, 200)));
        await CheckAsync("GET site agents", Get("api/v1/sites/edge-001/agents"), Except(403, (Admin, 200), (Auditor, 200)));
        await CheckAsync("POST site agent", () => Json(HttpMethod.Post, "api/v1/sites/edge-001/agents", new { }), Except(403, (Admin, 400)));
        await CheckAsync("POST approve site agent", () => Send(HttpMethod.Post, $"api/v1/sites/edge-001/agents/0x{new string('1', 40)}/approve"), Except(403, (Admin, 404)));

        // Identities: a tenant's readers see its members, only them, and only when told which tenant.
        await CheckAsync("GET identities", Get("api/v1/identities"), Except(403, (Admin, 200), (Auditor, 200), (TenantAdmin, 400), (TenantAuditor, 400)));
        await CheckAsync("GET identities of A", Get($"api/v1/identities?tenantId={tenantA}"), Except(403, (Admin, 200), (Auditor, 200), (TenantAdmin, 200), (TenantAuditor, 200)));
        await CheckAsync("GET identities of B", Get($"api/v1/identities?tenantId={tenantB}"), Except(403, (Admin, 200), (Auditor, 200), (TenantAdmin, 404), (TenantAuditor, 404)));
        foreach (var (what, id) in new[] { ("own", memberA), ("other", memberB), ("missing", "svc-00000000" + suffix + "00") })
        {
            var own = what == "own";
            var exists = what != "missing";
            await CheckAsync($"GET identity ({what})", Get($"api/v1/identities/{id}"),
                Except(403, (Admin, exists ? 200 : 404), (Auditor, exists ? 200 : 404), (TenantAdmin, own ? 200 : 404), (TenantAuditor, own ? 200 : 404)));
            await CheckAsync($"POST grant role ({what})", () => Json(HttpMethod.Post, $"api/v1/identities/{id}/roles", new { role = "operator", scope = tenantA }),
                Except(403, (Admin, exists ? 200 : 404), (TenantAdmin, own ? 200 : 404), (Auditor, 403), (TenantAuditor, 403)));
        }

        // Status changes: refusals everywhere; A's administrator suspends and reinstates A's member; nobody revokes.
        foreach (var (what, id) in new[] { ("other", memberB), ("missing", "svc-00000000" + suffix + "00") })
        {
            foreach (var change in new[] { "suspend", "reinstate", "revoke" })
            {
                await CheckAsync($"POST {change} ({what})", () => Send(HttpMethod.Post, $"api/v1/identities/{id}/{change}"),
                    Except(403, (Admin, what == "missing" ? 404 : null), (TenantAdmin, 404)));
            }

            await CheckAsync($"DELETE role ({what})", () => Send(HttpMethod.Delete, $"api/v1/identities/{id}/roles?role=viewer&scope={tenantB}"),
                Except(403, (Admin, what == "missing" ? 404 : null), (TenantAdmin, 404)));
        }

        await CheckAsync("POST revoke (own, not allowed)", () => Send(HttpMethod.Post, $"api/v1/identities/{memberA}/revoke"), Except(403, (Admin, null), (TenantAdmin, null)));
        await CheckAsync("POST suspend (own)", () => Send(HttpMethod.Post, $"api/v1/identities/{memberA}/suspend"), Only((TenantAdmin, 200)));
        await CheckAsync("POST reinstate (own)", () => Send(HttpMethod.Post, $"api/v1/identities/{memberA}/reinstate"), Only((TenantAdmin, 200)));
        await CheckAsync("DELETE role (own)", () => Send(HttpMethod.Delete, $"api/v1/identities/{memberA}/roles?role=operator&scope={tenantA}"), Only((Viewer, 403), (TenantAdmin, 200)));
        await CheckAsync("POST service in B", () => Json(HttpMethod.Post, "api/v1/identities/services", () => new { clientId = "s" + Guid.NewGuid().ToString("N")[..10], roles = new[] { "operator@" + tenantB } }),
            Except(403, (Admin, 201)));

        // Anyone may resolve a DID and verify a credential, without a token.
        var did = (await h.Client.GetFromJsonAsync<JsonElement>($"api/v1/identities/{memberA}")).GetProperty("did").GetString()!;
        await CheckAsync("GET did", Get("api/v1/dids/" + Uri.EscapeDataString(did)), Everyone(200, anonymous: 200));
        await CheckAsync("POST verify credential", () => Json(HttpMethod.Post, "api/v1/credentials/verify", new { jwt = "e30.e30.c2ln" }), Everyone(200, anonymous: 200));

        await CheckAsync("POST user in B", () => Json(HttpMethod.Post, "api/v1/identities/users", () => new { userName = "u" + Guid.NewGuid().ToString("N")[..10], roles = new[] { "viewer@" + tenantB } }),
            Except(403, (Admin, 201)));
        await CheckAsync("POST user in A", () => Json(HttpMethod.Post, "api/v1/identities/users", () => new { userName = "u" + Guid.NewGuid().ToString("N")[..10], roles = new[] { "viewer@" + tenantA } }),
            Except(403, (Admin, 201), (TenantAdmin, 201)));
        // Anyone may have a credential issued to itself for a role it holds; not for one it does not.
        foreach (var caller in Callers.Where(c => c != Anonymous))
        {
            var grant = Role(caller).Split('@');
            await CheckAsync($"POST credential for own role ({caller})", Json(HttpMethod.Post, "api/v1/credentials",
                new { subjectIdentityId = ids[caller], role = grant[0], scope = grant.Length > 1 ? grant[1] : null }), Only((caller, 201)));
            await CheckAsync($"POST credential for a role in B not held ({caller})", Json(HttpMethod.Post, "api/v1/credentials",
                new { subjectIdentityId = ids[caller], role = "viewer", scope = tenantB }), Only((caller, caller == Admin ? 409 : 403)));
        }

        await CheckAsync("POST credential for B's role", () => Json(HttpMethod.Post, "api/v1/credentials", new { subjectIdentityId = memberB, role = "viewer", scope = tenantB }),
            Except(403, (Admin, 201)));

        // GraphQL: the same rules field by field, through nesting and filters.
        await GraphAsync("resources", $"{{ resources(tenantId: \"{tenantB}\") {{ items {{ id tenantId projectId }} }} }}", Except("data", (Agent, "FORBIDDEN")));
        await GraphAsync("resource (other)", $"{{ resource(id: \"{resourceB}\") {{ id events {{ message }} }} }}",
            Except("null", (Admin, "data"), (Auditor, "data"), (Agent, "FORBIDDEN")));
        await GraphAsync("project (other)", $"{{ project(id: \"{projectB}\") {{ id tenantId }} }}",
            Except("null", (Admin, "data"), (Auditor, "data"), (Agent, "FORBIDDEN")));
        await GraphAsync("tenants", "{ tenants { id name } }", Except("data", (Agent, "FORBIDDEN")));
        await GraphAsync("audit entries", "{ auditEntries(first: 3) { items { id subject } } }", Except("FORBIDDEN", (Admin, "data"), (Auditor, "data")));
        await GraphAsync("price books", "{ priceBooks { version hash prices { tier } } }",
            Except("FORBIDDEN", (Admin, "data"), (Auditor, "data"), (TenantAuditor, "data"), (TenantAdmin, "data")));
        await GraphAsync("site", "{ site(id: \"edge-001\") { id hosts { id } } }", Except("data"));
        await GraphAsync("audit entry", "{ auditEntry(id: 1) { id seal { hash } } }", Except("FORBIDDEN", (Admin, "data"), (Auditor, "data")));
        await GraphAsync("explainPlacement (other)", $"{{ explainPlacement(input: {{ projectId: \"{projectB}\", vcpu: 1, ramMiB: 512, diskGiB: 10, template: \"debian-12-cloud\" }}) {{ siteId }} }}",
            Except("NOT_FOUND", (Admin, "QUOTA_EXCEEDED"), (Auditor, "QUOTA_EXCEEDED"), (Agent, "FORBIDDEN")));
        await GraphAsync("governance", "{ governance { board { address members } proposals(first: 5) { id state } } }", Except("data")); // public facts; no board here
        await GraphAsync("price books", "{ priceBooks { version hash } }", BillingOutcomes("data"));
        await GraphAsync("invoices", "{ invoices { items { id tenant status lines { resource } chain { customer auditor } } next } }", BillingOutcomes("data"));
        await GraphAsync("invoices of B", $"{{ invoices(tenant: \"{tenantB}\") {{ items {{ id tenant }} }} }}", BillingOutcomes("data"));
        foreach (var (what, id) in new[] { ("own", invoiceA), ("other", invoiceB), ("missing", "inv-" + suffix) })
        {
            await GraphAsync($"invoice ({what})", $"{{ invoice(id: \"{id}\") {{ id tenant status totalText hash chain {{ issueTransaction }} }} }}", BillingOutcomes(what));
        }

        foreach (var (what, tenant) in new[] { ("own", tenantA), ("other", tenantB), ("missing", "tz-" + suffix) })
        {
            await GraphAsync($"statement ({what})", $"{{ statement(tenant: \"{tenant}\") {{ tenant balance outstanding invoices {{ id }} }} }}", BillingOutcomes(what));
            await GraphAsync($"sla report ({what})", $"{{ slaReport(tenant: \"{tenant}\") {{ tenant resources {{ resourceId }} totals {{ availabilityPercent }} }} }}", BillingOutcomes(what));
        }

        await GraphAsync("sla report (bad from)", "{ slaReport(from: \"yesterday\") { tenant } }", BillingOutcomes("BAD_USER_INPUT"));
        await GraphAsync("sites nested", "{ sites(first: 2) { items { id uplink { id } adjacent { id } } } }", Except("data"));
        await GraphAsync("createResource (other)", $"mutation {{ createResource(input: {{ projectId: \"{projectB}\", name: \"x\", vcpu: 1, ramMiB: 512, diskGiB: 10, template: \"debian-12-cloud\" }}) {{ id }} }}",
            Except("NOT_FOUND", (Admin, "QUOTA_EXCEEDED"), (Auditor, "FORBIDDEN"), (TenantAuditor, "FORBIDDEN"), (Viewer, "FORBIDDEN"), (Agent, "FORBIDDEN")));
        await GraphAsync("createResource (own)", $"mutation {{ createResource(input: {{ projectId: \"{projectA}\", name: \"x\", vcpu: 1, ramMiB: 512, diskGiB: 10, template: \"debian-12-cloud\" }}) {{ id }} }}",
            Except("QUOTA_EXCEEDED", (Auditor, "FORBIDDEN"), (TenantAuditor, "FORBIDDEN"), (Viewer, "FORBIDDEN"), (Agent, "FORBIDDEN")));
        await GraphAsync("resizeResource (other)", $"mutation {{ resizeResource(id: \"{resourceB}\", vcpu: 2) {{ id }} }}",
            Except("NOT_FOUND", (Admin, null), (Auditor, "FORBIDDEN"), (TenantAuditor, "FORBIDDEN"), (Viewer, "FORBIDDEN"), (Agent, "FORBIDDEN")));
        await GraphAsync("deleteResource (other)", $"mutation {{ deleteResource(id: \"{resourceB}\") {{ id }} }}",
            Except("NOT_FOUND", (Admin, null), (Auditor, "FORBIDDEN"), (TenantAuditor, "FORBIDDEN"), (Viewer, "FORBIDDEN"), (Agent, "FORBIDDEN")));

        // Hardware and compliance in GraphQL: the REST cells above, field by field (issue 16).
        await GraphAsync("createAsset", "mutation { createAsset(input: {}) { id } }", Except("FORBIDDEN", (Admin, "BAD_USER_INPUT")));
        await GraphAsync("submitCustodyEvent (missing)", $"mutation {{ submitCustodyEvent(assetId: \"srv-missing-{suffix}\", input: {{}}) {{ sequence }} }}",
            Except("FORBIDDEN", (Admin, "NOT_FOUND")));
        await GraphAsync("custodyDigest (missing)", $"{{ custodyDigest(assetId: \"srv-missing-{suffix}\", input: {{}}) }}", Except("FORBIDDEN", (Admin, "NOT_FOUND"), (Auditor, "NOT_FOUND")));
        await GraphAsync("auditRetention", "{ auditRetention { policies { kind years } archives { id } } }", Except("FORBIDDEN", (Admin, "data"), (Auditor, "data")));
        await GraphAsync("auditArchive (missing)", "{ auditArchive(id: 1) { id } }", Except("FORBIDDEN", (Admin, "null"), (Auditor, "null")));
        await GraphAsync("createAuditArchive (no cut-off)", "mutation { createAuditArchive { id } }", Except("FORBIDDEN", (Admin, "BAD_USER_INPUT")));
        await GraphAsync("deleteAuditEntries (no cut-off)", "mutation { deleteAuditEntries { id } }", Except("FORBIDDEN", (Admin, "BAD_USER_INPUT")));
        foreach (var (what, tenant) in new[] { ("own", tenantA), ("other", tenantB), ("missing", "tz-" + suffix) })
        {
            var (own, exists) = (what == "own", what != "missing");
            await GraphAsync($"residencyReport ({what})", $"{{ residencyReport(tenant: \"{tenant}\", from: \"2020-01-01T00:00:00Z\") {{ tenant flagged resources {{ id proof {{ state }} }} }} }}",
                Except(own ? "data" : "NOT_FOUND", (Admin, exists ? "data" : "NOT_FOUND"), (Auditor, exists ? "data" : "NOT_FOUND"), (Viewer, "FORBIDDEN"), (Agent, "FORBIDDEN")));
        }

        // The portal's reads: the Core query services its pages call, as each caller, with the same cells.
        await PortalAsync("resources of B", (q, c) => q.Resources.ListAsync(c, new ResourceListRequest(TenantId: tenantB), default), Except("data", (Agent, "FORBIDDEN")));
        await PortalAsync("resource (other)", (q, c) => q.Resources.GetAsync(c, resourceB, default), Except("NOT_FOUND", (Admin, "data"), (Auditor, "data"), (Agent, "FORBIDDEN")));
        await PortalAsync("project usage (other)", (q, c) => q.Resources.GetProjectUsageAsync(c, projectB, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow, default),
            Except("NOT_FOUND", (Admin, "data"), (Auditor, "data"), (Agent, "FORBIDDEN")));
        await PortalAsync("tenants", (q, c) => q.Tenancy.ListTenantsAsync(c, default), Except("data", (Agent, "FORBIDDEN")));
        await PortalAsync("project (other)", (q, c) => q.Tenancy.GetProjectAsync(c, projectB, default), Except("NOT_FOUND", (Admin, "data"), (Auditor, "data"), (Agent, "FORBIDDEN")));
        await PortalAsync("projects to meter", async (q, c) => Result<IReadOnlyList<Project>>.Ok(await q.Tenancy.ProjectsWhereAsync(c, Permission.ResourcesRead, null, default)), Except("data"));
        await PortalAsync("audit entries", (q, c) => q.Audit.ListAsync(c, new AuditQuery(Limit: 5), default), Except("FORBIDDEN", (Admin, "data"), (Auditor, "data")));
        await PortalAsync("audit entry", (q, c) => q.Audit.GetEntryAsync(c, 1, default), Except("FORBIDDEN", (Admin, "data"), (Auditor, "data")));
        await PortalAsync("sites", (q, c) => Task.FromResult(q.Sites.All(c)), Except("data"));
        await PortalAsync("invoices of B", (q, c) => q.Invoices.ListAsync(c, tenantB, null, null, 10, default), BillingOutcomes("data"));
        await PortalAsync("invoice (other)", (q, c) => q.Invoices.GetAsync(c, invoiceB, fromChain: false, default), BillingOutcomes("other", "NOT_FOUND"));
        await PortalAsync("invoice verification (other)", (q, c) => q.Invoices.VerifyAsync(c, invoiceB, default), BillingOutcomes("other", "NOT_FOUND", platform: "Conflict"));
        await PortalAsync("statement (other)", (q, c) => q.Invoices.StatementAsync(c, tenantB, null, default), BillingOutcomes("other", "NOT_FOUND"));
        await PortalAsync("sla report (other)", (q, c) => q.Sla.GetAsync(c, new SlaReportRequest(tenantB, null, null), default), BillingOutcomes("other", "NOT_FOUND"));
        await PortalAsync("price books", (q, c) => q.PriceBooks.ListAsync(c, default), BillingOutcomes("data"));
        // The hardware pages: assets are platform-wide (assets.read); a VM's provenance is read as the VM is.
        await PortalAsync("assets", (q, c) => q.Assets.ListAsync(c, new Core.Hardware.AssetFilter(), null, 5, default), Except("FORBIDDEN", (Admin, "data"), (Auditor, "data")));
        await PortalAsync("asset components (missing)", (q, c) => q.Assets.ComponentsAsync(c, "srv-missing-" + suffix, default),
            Except("FORBIDDEN", (Admin, "NOT_FOUND"), (Auditor, "NOT_FOUND")));
        await PortalAsync("provenance (other)", (q, c) => q.Provenance.GetAsync(c, resourceB, default),
            Except("NOT_FOUND", (Admin, "data"), (Auditor, "data"), (Agent, "FORBIDDEN")));

        // The portal's billing-admin actions, asked with nothing valid so nothing changes: the field errors for platform-wide
        // billing.write holders, refused before anything is read for everyone else.
        await PortalAsync("create price book", (q, c) => q.PriceBooks.CreateAsync(c, "portal:" + c.Id, new PriceBookRequest(null, null, null, null), default), BillingWriterOutcomes("Invalid"));
        await PortalAsync("record deposit", (q, c) => q.Invoices.DepositAsync(c, "portal:" + c.Id, new DepositRequest(null, null, null, null), default), BillingWriterOutcomes("Invalid"));
        await PortalAsync("start billing runs", (q, c) => q.Runs.StartAsync(c, new BillingRunRequest(null, DateTimeOffset.Parse("2020-01-01T00:30:00Z", System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse("2020-01-01T01:00:00Z", System.Globalization.CultureInfo.InvariantCulture)), default), BillingWriterOutcomes("Invalid"));

        // Personal data: privacy.export and privacy.erase are platform-wide only; any identity exports its own. Erasure is
        // walked on an id that does not exist, so nothing is erased.
        await CheckAsync("GET subject export (other)", Get($"api/v1/compliance/subjects/{memberB}/export"), Except(403, (Admin, 200), (PrivacyOfficer, 200)));
        await CheckAsync("GET subject export (missing)", Get("api/v1/compliance/subjects/usr-missing/export"), Except(403, (Admin, 404), (PrivacyOfficer, 404)));
        await CheckAsync("POST subject erase (missing)", () => Send(HttpMethod.Post, "api/v1/compliance/subjects/usr-missing/erase"),
            Except(403, (Admin, 404), (PrivacyOfficer, 404)));
        foreach (var caller in Callers.Where(c => c != Anonymous).Append(PrivacyOfficer))
        {
            await CheckAsync($"GET subject export (own)", Get($"api/v1/compliance/subjects/{ids[caller]}/export"), Only((caller, 200)));
            await GraphAsync("subjectExport (own)", $"{{ subjectExport(id: \"{ids[caller]}\") {{ subjectId personal {{ field }} }} }}", new() { [caller] = "data" });
        }

        // The same cells in GraphQL: a missing identity's export is null, as GraphQL shows a missing thing.
        await GraphAsync("subjectExport (other)", $"{{ subjectExport(id: \"{memberB}\") {{ subjectId identity {{ name }} auditEntries {{ id }} }} }}", PrivacyOutcomes("data"));
        await GraphAsync("subjectExport (missing)", "{ subjectExport(id: \"usr-missing\") { subjectId } }", PrivacyOutcomes("null"));
        await GraphAsync("eraseSubject (missing)", "mutation { eraseSubject(id: \"usr-missing\") { subjectId } }", PrivacyOutcomes("NOT_FOUND"));

        // Last, the allowed delete: A's operator removes A's resource.
        await CheckAsync("DELETE resource (own, operator)", () => Send(HttpMethod.Delete, $"api/v1/resources/{resourceA}"), Only((Operator, 202)));

        Assert.True(failures.Count == 0, $"{failures.Count} cell(s) of the access matrix are wrong:\n" + string.Join('\n', failures));
    }

    private static object Quota(int vms = 20) => new { vcpu = 64, ramMiB = 262144, diskGiB = 4096, vms };

    private static object Vm(string project) => new
    {
        projectId = project, name = "m-1", vcpu = 1, ramMiB = 512, diskGiB = 10, template = "debian-12-cloud", siteId = "edge-003",
    };

    private string Role(string caller) => caller.Replace("@A", "@" + tenantA, StringComparison.Ordinal);

    /// <summary>Expected status for each caller: <paramref name="status"/> for all signed-in ones, 401 (or <paramref name="anonymous"/>) without a token.</summary>
    private static Dictionary<string, int?> Everyone(int status, int anonymous = 401) =>
        Callers.ToDictionary(c => c, c => (int?)(c == Anonymous ? anonymous : status));

    private static Dictionary<string, int?> Except(int status, params (string Caller, int? Status)[] exceptions)
    {
        var expected = Everyone(status);
        foreach (var (caller, value) in exceptions)
        {
            expected[caller] = value;
        }

        return expected;
    }

    private static Dictionary<string, int?> Only(params (string Caller, int? Status)[] cells) => cells.ToDictionary(c => c.Caller, c => c.Status);

    /// <summary>Every caller, the billing roles too: <paramref name="status"/> for billing.read holders, 403 for the rest, 401 without a token.</summary>
    private static Dictionary<string, int?> BillingReaders(int status) => BillingReaders(status, status);

    /// <summary>As above, the platform-wide readers answering <paramref name="platform"/> and A's readers <paramref name="tenant"/>.</summary>
    private static Dictionary<string, int?> BillingReaders(int platform, int tenant)
    {
        var expected = Except(403, (Admin, platform), (Auditor, platform), (TenantAdmin, tenant), (TenantAuditor, tenant));
        (expected[BillingAdmin], expected[BillingViewer]) = (platform, tenant);
        return expected;
    }

    /// <summary>For A's thing (<paramref name="what"/> "own"), B's ("other") or none ("missing"): A's readers see only their own, the platform's both.</summary>
    private static Dictionary<string, int?> BillingReaders(int own, int other, string what) => what switch
    {
        "own" => BillingReaders(own, own),
        "other" => BillingReaders(other, 404),
        _ => BillingReaders(404, 404),
    };

    /// <summary>Every caller, the billing roles too: <paramref name="status"/> for platform-wide billing.write holders, 403 for the rest.</summary>
    private static Dictionary<string, int?> BillingWriters(int status)
    {
        var expected = Except(403, (Admin, status));
        (expected[BillingAdmin], expected[BillingViewer]) = (status, 403);
        return expected;
    }

    /// <summary>
    /// A GraphQL or portal read as every signed-in caller, the billing roles too: FORBIDDEN without billing.read; for
    /// <paramref name="outcome"/> "own", "other" or "missing", a thing of A, of B or none (<paramref name="notSeen"/> where it
    /// is not seen: GraphQL's null, the portal's NOT_FOUND); else that outcome for every reader. <paramref name="platform"/>
    /// is what platform-wide readers get for B's thing.
    /// </summary>
    private static Dictionary<string, string?> BillingOutcomes(string outcome, string notSeen = "null", string platform = "data")
    {
        var (forPlatform, forTenant) = outcome switch
        {
            "own" => ("data", "data"),
            "other" => (platform, notSeen),
            "missing" => (notSeen, notSeen),
            _ => (outcome, outcome),
        };
        var expected = Except("FORBIDDEN", (Admin, forPlatform), (Auditor, forPlatform), (TenantAdmin, forTenant), (TenantAuditor, forTenant));
        (expected[BillingAdmin], expected[BillingViewer]) = (forPlatform, forTenant);
        return expected;
    }

    /// <summary>A portal action as every signed-in caller: <paramref name="outcome"/> for platform-wide billing.write holders, FORBIDDEN for the rest.</summary>
    private static Dictionary<string, string?> BillingWriterOutcomes(string outcome)
    {
        var expected = Except("FORBIDDEN", (Admin, outcome));
        (expected[BillingAdmin], expected[BillingViewer]) = (outcome, "FORBIDDEN");
        return expected;
    }

    /// <summary>A personal-data field as every caller and the privacy officer: <paramref name="outcome"/> for privacy.export or privacy.erase holders, FORBIDDEN for the rest.</summary>
    private static Dictionary<string, string?> PrivacyOutcomes(string outcome)
    {
        var expected = Except("FORBIDDEN", (Admin, outcome));
        expected[PrivacyOfficer] = outcome;
        return expected;
    }

    private static Dictionary<string, string?> Except(string outcome, params (string Caller, string? Outcome)[] exceptions)
    {
        var expected = Callers.Where(c => c != Anonymous).ToDictionary(c => c, _ => (string?)outcome);
        foreach (var (caller, value) in exceptions)
        {
            expected[caller] = value;
        }

        return expected;
    }

    private Func<string?, Task<HttpResponseMessage>> Get(string path) => Send(HttpMethod.Get, path);

    private Func<string?, Task<HttpResponseMessage>> Send(HttpMethod method, string path) => token => SendAsync(new HttpRequestMessage(method, path), token);

    private Func<string?, Task<HttpResponseMessage>> Json(HttpMethod method, string path, object body) => Json(method, path, () => body);

    /// <summary>A body made anew for each caller (names that must be unique).</summary>
    private Func<string?, Task<HttpResponseMessage>> Json(HttpMethod method, string path, Func<object> body) => token =>
        SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(body()) }, token);

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string? token)
    {
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return h.Server.Anonymous.SendAsync(request);
    }

    private Task CheckAsync(string name, Func<Func<string?, Task<HttpResponseMessage>>> make, Dictionary<string, int?> expected) =>
        CheckAsync(name, make(), expected);

    /// <summary>Runs the request as every caller in <paramref name="expected"/> (a null status: not run) and records any wrong status or leak.</summary>
    private async Task CheckAsync(string name, Func<string?, Task<HttpResponseMessage>> send, Dictionary<string, int?> expected)
    {
        foreach (var (caller, status) in expected)
        {
            if (status is null)
            {
                continue;
            }

            using var response = await send(tokens[caller]);
            var body = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != status)
            {
                failures.Add($"{name} as {caller}: {(int)response.StatusCode}, expected {status}: {Shorten(body)}");
            }

            CheckNoLeak(name, caller, body);
            if (status is 401 or 403 or 404 && !body.Contains("\"code\"", StringComparison.Ordinal))
            {
                failures.Add($"{name} as {caller}: a {status} without a ProblemDetails code: {Shorten(body)}");
            }
        }
    }

    /// <summary>
    /// Runs a GraphQL document as every signed-in caller: the expected outcome is "data" (answered without errors),
    /// "null" (answered, the field null), or an error code. Anonymous callers must get 401 for any document.
    /// </summary>
    private async Task GraphAsync(string name, string document, Dictionary<string, string?> expected)
    {
        foreach (var (caller, outcome) in expected.Append(new(Anonymous, "401")))
        {
            if (outcome is null)
            {
                continue;
            }

            using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, "graphql")
            {
                Content = new StringContent(JsonSerializer.Serialize(new { query = document }), Encoding.UTF8, "application/json"),
            }, tokens[caller]);
            var body = await response.Content.ReadAsStringAsync();
            var actual = Outcome(response, body);
            if (actual != outcome)
            {
                failures.Add($"GraphQL {name} as {caller}: {actual}, expected {outcome}: {Shorten(body)}");
            }

            CheckNoLeak("GraphQL " + name, caller, body);
        }
    }

    /// <summary>
    /// Calls a Core query service as every signed-in caller, with the grants the portal would hold for it: the expected
    /// outcome is "data" or the refusal's kind (NOT_FOUND, FORBIDDEN), and the answer must not show tenant B to A's callers.
    /// </summary>
    private async Task PortalAsync<T>(string name, Func<PortalQueries, Caller, Task<Result<T>>> read, Dictionary<string, string?> expected)
    {
        var queries = new PortalQueries(h.Server.Services);
        foreach (var (caller, outcome) in expected)
        {
            var grant = RoleGrant.TryParse(Role(caller), out var g) ? g : throw new InvalidOperationException(caller);
            var result = await read(queries, new Caller(ids[caller], caller, [grant]));
            var actual = result.Error is { } error ? error.Kind switch
            {
                ErrorKind.NotFound => "NOT_FOUND",
                ErrorKind.Forbidden => "FORBIDDEN",
                _ => error.Kind.ToString(),
            } : "data";
            if (actual != outcome)
            {
                failures.Add($"Portal {name} as {caller}: {actual}, expected {outcome}: {result.Error?.Message}");
            }

            CheckNoLeak("Portal " + name, caller, JsonSerializer.Serialize(result.Value));
        }
    }

    /// <summary>The query services the portal's pages inject.</summary>
    private sealed class PortalQueries(IServiceProvider services)
    {
        public ResourceQueries Resources { get; } = services.GetRequiredService<ResourceQueries>();

        public TenancyQueries Tenancy { get; } = services.GetRequiredService<TenancyQueries>();

        public AuditQueries Audit { get; } = services.GetRequiredService<AuditQueries>();

        public SiteQueries Sites { get; } = services.GetRequiredService<SiteQueries>();

        public InvoiceService Invoices { get; } = services.GetRequiredService<InvoiceService>();

        public SlaReports Sla { get; } = services.GetRequiredService<SlaReports>();

        public PriceBookService PriceBooks { get; } = services.GetRequiredService<PriceBookService>();

        public BillingRunService Runs { get; } = services.GetRequiredService<BillingRunService>();

        public Core.Hardware.AssetQueries Assets { get; } = services.GetRequiredService<Core.Hardware.AssetQueries>();

        public Core.Hardware.ProvenanceService Provenance { get; } = services.GetRequiredService<Core.Hardware.ProvenanceService>();
    }

    private static string Outcome(HttpResponseMessage response, string body)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var json = JsonDocument.Parse(body).RootElement;
        if (json.TryGetProperty("errors", out var errors) && errors.GetArrayLength() > 0)
        {
            return errors[0].TryGetProperty("extensions", out var ext) && ext.TryGetProperty("code", out var code) ? code.GetString()! : "error";
        }

        var data = json.GetProperty("data");
        return data.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.Null) ? "null" : "data";
    }

    /// <summary>A caller scoped to tenant A must never see tenant B's ids, whatever the endpoint answered.</summary>
    private void CheckNoLeak(string name, string caller, string body)
    {
        if (caller is Admin or Auditor or BillingAdmin)
        {
            return;
        }

        foreach (var secret in new[] { tenantB, projectB, resourceB, memberB })
        {
            if (body.Contains(secret, StringComparison.Ordinal) && !IsEcho(name, secret))
            {
                failures.Add($"{name} as {caller}: the answer shows '{secret}' of tenant B: {Shorten(body)}");
            }
        }
    }

    /// <summary>A refusal may repeat the id the caller itself sent ("there is no project 'pb-…'"): that tells nothing.</summary>
    private static bool IsEcho(string name, string secret) =>
        name.Contains("(other", StringComparison.Ordinal) || name.Contains(" B", StringComparison.Ordinal);

    private static string Shorten(string body) => body.Length > 300 ? body[..300] + "…" : body;

    private static async Task CreatedAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>A service account with one role, created by the administrator, and its token once the chain lists it as active.</summary>
    private Task<(string Id, string Token)> ServiceAsync(string role) => ServiceAccounts.CreateAsync(h.Client, role);
}
