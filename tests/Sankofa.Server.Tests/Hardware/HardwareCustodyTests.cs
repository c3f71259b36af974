using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sankofa.Core.Access;
using Sankofa.Core.Hardware;
using Sankofa.Ledger.Custody;
using Sankofa.Ledger.Resources;
using Sankofa.Server.Hardware;
using Sankofa.Server.Tests.Identity.Accounts;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Server.Tests.Hardware;

/// <summary>
/// Hardware custody end to end, through the API of a real server on the embedded chain with the Proxmox emulator: the
/// parties (a supplier, a carrier that is also the receiving site, an inspector) are identities made through the
/// identity API, each holding the controller key the API handed it once — this test keeps each key for that party's
/// signatures only. Host edge-001-h01's server and disk get a whole custody chain; h02's server fails an inspection;
/// h03 has no hardware. A VM asking for verified hardware goes to h01, its provenance verifies from the chain alone;
/// once h01's disk fails an inspection too, the next such VM is refused and the explanation names each host's gap.
/// </summary>
public sealed class HardwareCustodyTests(ProvisioningFixture fixture) : IClassFixture<ProvisioningFixture>
{
    private ProvisioningHarness H => fixture.Harness;

    private CustodyParties Parties => new(H.Client, H.Server.Address);

    [Fact]
    public async Task A_vm_requiring_verified_hardware_goes_only_to_a_host_whose_custody_is_whole_and_its_provenance_verifies_from_the_chain()
    {
        var supplier = await Parties.PartyAsync("supplier");
        var carrier = await Parties.PartyAsync("carrier");
        var inspector = await Parties.PartyAsync("inspector");
        var run = Guid.NewGuid().ToString("N")[..6];
        var (server, disk, other) = ($"srv-{run}-a", $"disk-{run}-a", $"srv-{run}-b");

        await Parties.CreateAsync(new { id = server, kind = "server", manufacturer = "Acme", model = "R750", serial = "SN-" + run, firmware = new[] { new { component = "bios", version = "2.1" } }, hostId = "edge-001-h01" });
        await Parties.CreateAsync(new { id = disk, kind = "disk", manufacturer = "Acme", model = "PM9A3", serial = "SND-" + run, serverId = server });
        await Parties.CreateAsync(new { id = other, kind = "server", manufacturer = "Acme", model = "R750", serial = "SNB-" + run, hostId = "edge-001-h02" });
        using (var bad = await H.Client.PostAsJsonAsync("api/v1/assets", new { id = "Bad Id", kind = "rack", serverId = "nope" }))
        {
            var errors = (await ReadAsync(bad, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(errors.TryGetProperty("id", out _) && errors.TryGetProperty("kind", out _) && errors.TryGetProperty("manufacturer", out _), errors.ToString());
        }

        // The packing list is stored by its SHA-256, which the transfer carries.
        var packingList = "packing list: 1 x R750 " + run;
        string packingHash;
        using (var upload = await H.Client.PostAsync("api/v1/assets/documents", new StringContent(packingList)))
        {
            packingHash = (await ReadAsync(upload, HttpStatusCode.Created)).GetProperty("hash").GetString()!;
        }

        Assert.Equal(Hex(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(packingList))), packingHash);
        Assert.Equal(packingList, await H.Client.GetStringAsync($"api/v1/assets/documents/{packingHash}"));

        foreach (var asset in new[] { server, disk })
        {
            await Parties.SubmitAsync(asset, new { kind = "registration", documentHash = CustodyParties.Doc("invoice " + asset), party = supplier.Id }, supplier);
            var transfer = new { kind = "transfer", documentHash = packingHash, to = carrier.Id };
            // The sender's signature alone is refused: the receiver's is required too.
            using (var alone = await H.Client.PostAsJsonAsync($"api/v1/assets/{asset}/custody", new
            {
                transfer.kind, transfer.documentHash, transfer.to, signature = await Parties.SignAsync(asset, transfer, supplier),
            }))
            {
                Assert.True((await ReadAsync(alone, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("receiverSignature", out _));
            }

            await Parties.SubmitAsync(asset, transfer, supplier, carrier);
            await Parties.SubmitAsync(asset, new { kind = "inspection", documentHash = CustodyParties.Doc("firmware measured " + asset), party = inspector.Id, passed = true }, inspector);
            await Parties.SubmitAsync(asset, new { kind = "installation", documentHash = CustodyParties.Doc("rack photo " + asset), hostId = "edge-001-h01" }, carrier);
        }

        await Parties.SubmitAsync(other, new { kind = "registration", documentHash = CustodyParties.Doc("invoice " + other), party = supplier.Id }, supplier);
        await Parties.SubmitAsync(other, new { kind = "installation", documentHash = CustodyParties.Doc("rack photo " + other), hostId = "edge-001-h02" }, supplier);
        await Parties.SubmitAsync(other, new { kind = "inspection", documentHash = CustodyParties.Doc("tamper seal broken " + other), party = inspector.Id, passed = false }, inspector);

        var timeline = await H.Client.GetFromJsonAsync<JsonElement>($"api/v1/assets/{server}");
        Assert.Equal(carrier.Id, timeline.GetProperty("custodian").GetString());
        Assert.Equal(4, timeline.GetProperty("events").GetArrayLength());
        Assert.Equal(0, timeline.GetProperty("gaps").GetArrayLength());

        var project = await H.NewProjectAsync();
        var placed = await H.CreateAsync(Verified(ProvisioningHarness.Vm(project, "edge-001", "hw-1")));
        Assert.Equal("edge-001-h01", placed.Placement.HostId);
        Assert.Contains("custody verified", placed.Placement.Reason, StringComparison.Ordinal);

        // Provenance: host → server → components → custody events, each with its chain record; checked against the chain alone.
        var provenance = await H.Client.GetFromJsonAsync<JsonElement>($"api/v1/resources/{placed.Id}/provenance");
        Assert.True(provenance.GetProperty("verified").GetBoolean());
        Assert.Equal(server, provenance.GetProperty("server").GetProperty("asset").GetProperty("id").GetString());
        Assert.Equal(disk, Assert.Single(provenance.GetProperty("components").EnumerateArray()).GetProperty("asset").GetProperty("id").GetString());
        var added = timeline.GetProperty("asset").GetProperty("createdAt").GetDateTimeOffset(); // the provenance names when each asset was added
        Assert.Equal(added, provenance.GetProperty("server").GetProperty("asset").GetProperty("createdAt").GetDateTimeOffset());
        // GraphQL answers the same provenance.
        using (var graph = await H.Client.PostAsJsonAsync("graphql", new
        {
            query = $"{{ provenance(resourceId: \"{placed.Id}\") {{ verified hostId server {{ asset {{ id hash }} events {{ kind transaction }} }} components {{ asset {{ id }} }} }} }}",
        }))
        {
            var answer = (await ReadAsync(graph, HttpStatusCode.OK)).GetProperty("data").GetProperty("provenance");
            Assert.True(answer.GetProperty("verified").GetBoolean(), answer.ToString());
            Assert.Equal(server, answer.GetProperty("server").GetProperty("asset").GetProperty("id").GetString());
            Assert.Equal(4, answer.GetProperty("server").GetProperty("events").GetArrayLength());
        }

        var ledger = await H.Client.GetFromJsonAsync<JsonElement>("api/v1/ledger");
        using var chain = new CustodyReader(new Uri(ledger.GetProperty("rpcUrl").GetString()!), ledger.GetProperty("custodyAddress").GetString()!);
        foreach (var item in provenance.GetProperty("components").EnumerateArray().Prepend(provenance.GetProperty("server")))
        {
            var id = item.GetProperty("asset").GetProperty("id").GetString()!;
            var onChain = await chain.GetEventsAsync(id, default);
            var events = item.GetProperty("events").EnumerateArray().ToList();
            Assert.Equal(onChain.Count, events.Count);
            Assert.Equal(item.GetProperty("asset").GetProperty("hash").GetString(), Hex((await chain.GetAssetAsync(id, default))!.AssetHash));
            foreach (var (e, i) in events.Select((e, i) => (e, i)))
            {
                var stored = new CustodyEvent(id, i, HardwareNames.EventKind(e.GetProperty("kind").GetString())!.Value, e.GetProperty("party").GetString()!,
                    e.GetProperty("to").GetString(), Convert.FromHexString(e.GetProperty("documentHash").GetString()![2..]),
                    e.GetProperty("passed").ValueKind == JsonValueKind.Null ? null : e.GetProperty("passed").GetBoolean(), e.GetProperty("siteId").GetString(),
                    e.GetProperty("hostId").GetString(), default, new(e.GetProperty("transaction").GetString()!, e.GetProperty("block").GetInt64()));
                Assert.Empty(onChain[i].Differences(stored));
                Assert.Equal(stored.Chain.BlockNumber, await chain.TransactionBlockAsync(stored.Chain.TransactionHash, default));
            }
        }

        // h01's disk fails an inspection: now no host of edge-001 qualifies, and the refusal says why for each.
        await Parties.SubmitAsync(disk, new { kind = "inspection", documentHash = CustodyParties.Doc("disk firmware mismatch " + run), party = inspector.Id, passed = false }, inspector);
        using var refused = await H.Client.PostAsJsonAsync("api/v1/resources", Verified(ProvisioningHarness.Vm(project, "edge-001", "hw-2")));
        var text = await refused.Content.ReadAsStringAsync();
        Assert.True(refused.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity, $"{(int)refused.StatusCode}: {text}");
        Assert.Contains($"Asset {disk} failed inspection", text, StringComparison.Ordinal);
        Assert.Contains($"Asset {other} failed inspection", text, StringComparison.Ordinal);
        Assert.Contains("No server asset becomes host edge-001-h03", text, StringComparison.Ordinal);
        var unverified = await H.Client.GetFromJsonAsync<JsonElement>($"api/v1/resources/{placed.Id}/provenance");
        Assert.False(unverified.GetProperty("verified").GetBoolean());
        // The answer is written field by field (ProvenanceResult): read as the documented ProvenanceResponse (unknown
        // fields refused) and serialized again by the server's own options, it is the same text, byte for byte — gaps,
        // a failed inspection, null fields and all.
        var written = await H.Client.GetStringAsync($"api/v1/resources/{placed.Id}/provenance");
        var json = H.Server.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        Assert.Equal(written, JsonSerializer.Serialize(JsonSerializer.Deserialize<ProvenanceResponse>(written, json), json));
        // …and the values are those of ProvenanceResponse.From (the mapping GraphQL answers with) for the same provenance.
        var operatorCaller = new Caller("usr-provenance-check", "provenance-check", [new RoleGrant(Roles.PlatformAdmin, null)]);
        var found = (await H.Server.Services.GetRequiredService<ProvenanceService>().GetAsync(operatorCaller, placed.Id, default)).Value!;
        Assert.Equal(JsonSerializer.Serialize(ProvenanceResponse.From(found), json), written);

        // Without the option the same VM is placed as before.
        Assert.StartsWith("edge-001-h0", (await H.CreateAsync(ProvisioningHarness.Vm(project, "edge-001", "hw-3"))).Placement.HostId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GraphQL_adds_assets_and_relays_custody_events_the_parties_signed_with_the_same_refusals_as_rest()
    {
        var supplier = await Parties.PartyAsync("supplier");
        var carrier = await Parties.PartyAsync("carrier");
        var server = $"srv-{Guid.NewGuid().ToString("N")[..6]}-g";

        var bad = await GraphAsync("mutation($input: AssetInput!) { createAsset(input: $input) { id } }", new { input = new { id = "Bad Id", kind = "rack" } });
        var fields = Error(bad, "BAD_USER_INPUT").GetProperty("data").GetProperty("fields");
        Assert.True(fields.TryGetProperty("id", out _) && fields.TryGetProperty("kind", out _) && fields.TryGetProperty("manufacturer", out _), bad.ToString());

        var created = await GraphAsync("mutation($input: AssetInput!) { createAsset(input: $input) { id hash hostId firmware { component version } } }", new
        {
            input = new { id = server, kind = "server", manufacturer = "Acme", model = "R750", serial = "SN-" + server, firmware = new[] { new { component = "bios", version = "2.1" } }, hostId = "edge-002-h01" },
        });
        var asset = created.GetProperty("data").GetProperty("createAsset");
        Assert.Equal(("edge-002-h01", "2.1"), (asset.GetProperty("hostId").GetString(), asset.GetProperty("firmware")[0].GetProperty("version").GetString()));
        Assert.Equal(asset.GetProperty("hash").GetString(), (await H.Client.GetFromJsonAsync<JsonElement>($"api/v1/assets/{server}")).GetProperty("asset").GetProperty("hash").GetString());

        // The registration: the digest from GraphQL is REST's, the supplier signs it; a carrier's signature in its place is refused naming the field.
        var registration = new { kind = "registration", documentHash = CustodyParties.Doc("invoice " + server), party = supplier.Id };
        var wrong = await SubmitGraphAsync(server, registration, carrier);
        Assert.True(Error(wrong, "BAD_USER_INPUT").GetProperty("data").GetProperty("fields").TryGetProperty("signature", out _), wrong.ToString());
        var recorded = (await SubmitGraphAsync(server, registration, supplier)).GetProperty("data").GetProperty("submitCustodyEvent");
        Assert.Equal((0, "registration"), (recorded.GetProperty("sequence").GetInt32(), recorded.GetProperty("kind").GetString()));
        Assert.Matches("^0x[0-9a-f]{64}$", recorded.GetProperty("transaction").GetString());

        // A transfer signed by the sender alone is refused as over REST; signed by both, it is recorded.
        var transfer = new { kind = "transfer", documentHash = CustodyParties.Doc("packing list " + server), to = carrier.Id };
        var alone = await SubmitGraphAsync(server, transfer, supplier);
        Assert.True(Error(alone, "BAD_USER_INPUT").GetProperty("data").GetProperty("fields").TryGetProperty("receiverSignature", out _), alone.ToString());
        await SubmitGraphAsync(server, transfer, supplier, carrier);
        var events = (await GraphAsync("query($id: String!) { custodyEvents(assetId: $id) { sequence kind party to } }", new { id = server }))
            .GetProperty("data").GetProperty("custodyEvents");
        Assert.Equal(2, events.GetArrayLength());
        Assert.Equal((supplier.Id, carrier.Id), (events[1].GetProperty("party").GetString(), events[1].GetProperty("to").GetString()));
    }

    [Fact]
    public async Task A_registration_signed_by_a_supplier_suspended_after_its_key_was_resolved_and_kept_is_refused_by_the_contract_naming_the_reason()
    {
        var supplier = await Parties.PartyAsync("supplier");
        var assets = new[] { "a", "b" }.Select(s => $"srv-{Guid.NewGuid().ToString("N")[..6]}-{s}").ToList();
        foreach (var id in assets)
        {
            await Parties.CreateAsync(new { id, kind = "server", manufacturer = "Acme", model = "R750", serial = "SN-" + id, hostId = "edge-002-h02" });
        }

        // The first registration resolves the supplier's key to its identity, which the server then keeps (Ledger:SignerCacheDuration).
        await Parties.SubmitAsync(assets[0], Registration(assets[0], supplier), supplier);
        using (var suspended = await H.Client.PostAsync($"api/v1/identities/{supplier.Id}/suspend", null))
        {
            Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        }

        await IdentityPolling.WaitRecordedAsync(H.Client, supplier.Id);

        // The server's check passes on the kept answer (the key is still the supplier's); the contract checks again and refuses.
        var body = JsonSerializer.SerializeToNode(Registration(assets[1], supplier))!.AsObject();
        body["signature"] = await Parties.SignAsync(assets[1], Registration(assets[1], supplier), supplier);
        using var refused = await H.Client.PostAsJsonAsync($"api/v1/assets/{assets[1]}/custody", body);
        var problem = (await ReadAsync(refused, HttpStatusCode.Conflict)).ToString();
        Assert.Contains("\"signature\"", problem, StringComparison.Ordinal);
        Assert.Contains("NotSupplier", problem, StringComparison.Ordinal);
        Assert.Empty((await H.Client.GetFromJsonAsync<JsonElement>($"api/v1/assets/{assets[1]}")).GetProperty("events").EnumerateArray());
    }

    private static object Registration(string assetId, CustodyParty supplier) =>
        new { kind = "registration", documentHash = CustodyParties.Doc("invoice " + assetId), party = supplier.Id };

    private async Task<JsonElement> SubmitGraphAsync(string assetId, object request, CustodyParty signer, CustodyParty? receiver = null)
    {
        var digest = (await GraphAsync("query($id: String!, $input: CustodyEventInput!) { custodyDigest(assetId: $id, input: $input) }", new { id = assetId, input = request }))
            .GetProperty("data").GetProperty("custodyDigest").GetString()!;
        using (var rest = await H.Client.PostAsJsonAsync($"api/v1/assets/{assetId}/custody/digest", request))
        {
            Assert.Equal(digest, (await ReadAsync(rest, HttpStatusCode.OK)).GetProperty("digest").GetString());
        }

        var input = JsonSerializer.SerializeToNode(request)!.AsObject();
        input["signature"] = Hex(CustodyTypedData.Sign(signer.Key, Convert.FromHexString(digest[2..])));
        if (receiver is not null)
        {
            input["receiverSignature"] = Hex(CustodyTypedData.Sign(receiver.Key, Convert.FromHexString(digest[2..])));
        }

        return await GraphAsync("mutation($id: String!, $input: CustodyEventInput!) { submitCustodyEvent(assetId: $id, input: $input) { sequence kind transaction block } }",
            new { id = assetId, input });
    }

    private async Task<JsonElement> GraphAsync(string query, object variables)
    {
        using var response = await H.Client.PostAsJsonAsync("graphql", new { query, variables });
        return await ReadAsync(response, HttpStatusCode.OK);
    }

    private static JsonElement Error(JsonElement answer, string code)
    {
        var extensions = answer.GetProperty("errors")[0].GetProperty("extensions");
        Assert.Equal(code, extensions.GetProperty("code").GetString());
        return extensions;
    }

    private static object Verified(object vm)
    {
        var body = JsonSerializer.SerializeToNode(vm)!.AsObject();
        body["requireVerifiedHardware"] = true;
        return body;
    }

    private static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }
}
