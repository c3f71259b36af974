using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Sankofa.Ledger.Custody;

namespace Sankofa.Server.Tests.Hardware;

/// <summary>A custody party: an identity of the server and the controller key the API handed it once.</summary>
/// <param name="Id">Its identity id.</param>
/// <param name="Key">Its controller private key: only this party's signatures are made with it.</param>
public sealed record CustodyParty(string Id, byte[] Key);

/// <summary>
/// Drives custody through a real server's API as the parties would: each party is a service identity made through the
/// identity API with its role (supplier, carrier, inspector); the API generates its controller key and hands it over
/// once, and this helper keeps it for that party's own signatures only (a test fixture holding the parties' keys, as
/// docs/hardware.md allows). Digests come from the API; the server relays what the parties signed.
/// </summary>
/// <param name="client">A client of the server signed in as an administrator (assets.write, identities.write).</param>
/// <param name="server">The server's address (for the party's client-credentials sign-in).</param>
public sealed class CustodyParties(HttpClient client, Uri server)
{
    /// <summary>A service identity holding <paramref name="role"/>, active on chain with it.</summary>
    public async Task<CustodyParty> PartyAsync(string role)
    {
        var clientId = "m-" + Guid.NewGuid().ToString("N")[..10];
        using var created = await client.PostAsJsonAsync("api/v1/identities/services", new { clientId, roles = new[] { role } });
        var body = await ReadAsync(created, HttpStatusCode.Created);
        var id = body.GetProperty("identity").GetProperty("id").GetString()!;
        // Waits until the chain lists the identity and its role: its signatures count from then on.
        await ClientCredentials.RequestAsync(server, id, body.GetProperty("clientSecret").GetString()!);
        return new CustodyParty(id, Convert.FromHexString(body.GetProperty("controllerPrivateKey").GetString()![2..]));
    }

    /// <summary>Adds an asset (201 expected).</summary>
    public async Task CreateAsync(object body)
    {
        using var created = await client.PostAsJsonAsync("api/v1/assets", body);
        await ReadAsync(created, HttpStatusCode.Created);
    }

    /// <summary>Stores a document and returns its SHA-256 as the API names it.</summary>
    public async Task<string> UploadAsync(string text)
    {
        using var upload = await client.PostAsync("api/v1/assets/documents", new StringContent(text));
        return (await ReadAsync(upload, HttpStatusCode.Created)).GetProperty("hash").GetString()!;
    }

    /// <summary>Signs <paramref name="request"/> as the asset's next event by the signer (and the receiver of a transfer) and submits it.</summary>
    public async Task SubmitAsync(string assetId, object request, CustodyParty signer, CustodyParty? receiver = null)
    {
        var body = JsonSerializer.SerializeToNode(request)!.AsObject();
        body["signature"] = await SignAsync(assetId, request, signer);
        if (receiver is not null)
        {
            body["receiverSignature"] = await SignAsync(assetId, request, receiver);
        }

        using var submitted = await client.PostAsJsonAsync($"api/v1/assets/{assetId}/custody", body);
        var recorded = await ReadAsync(submitted, HttpStatusCode.Created);
        Assert.Matches("^0x[0-9a-f]{64}$", recorded.GetProperty("transaction").GetString());
    }

    /// <summary>The party's signature over the event's digest, which the API reads from the chain.</summary>
    public async Task<string> SignAsync(string assetId, object request, CustodyParty party)
    {
        using var answer = await client.PostAsJsonAsync($"api/v1/assets/{assetId}/custody/digest", request);
        var digest = (await ReadAsync(answer, HttpStatusCode.OK)).GetProperty("digest").GetString()!;
        return Hex(CustodyTypedData.Sign(party.Key, Convert.FromHexString(digest[2..])));
    }

    /// <summary>The SHA-256 of a document's text, as an event carries it.</summary>
    public static string Doc(string text) => Hex(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    private static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }
}
