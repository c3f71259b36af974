using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.Util;
using LinkProof = Sankofa.Agent.Protocol.LinkProof;
using RegistrySlots = Sankofa.Agent.Protocol.RegistrySlots;
using Sankofa.Core.Access;
using Sankofa.Core.Audit;
using Sankofa.Core.Billing;
using Sankofa.Core.Hardware;
using Sankofa.Core.Identity.Credentials;
using Sankofa.Core.Ledger;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.Provisioning;
using Sankofa.Ledger.Billing;
using Sankofa.Ledger.Custody;
using Sankofa.Ledger.Governance;
using Sankofa.Ledger.Identity.Credentials;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Resources;
using Sankofa.Ledger.Tests.Resources;
using Sankofa.TestSupport;

namespace Sankofa.Ledger.Tests.Verification;

/// <summary>
/// docs/verification.md is the contract a third party verifies against: every worked example in it (a <c>verify</c>
/// block) is recomputed here with the project's own code, and again by a script written from the document alone.
/// </summary>
public sealed partial class VerificationGuideTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private static readonly string Guide = Path.Combine(Repository.Root, "docs", "verification.md");

    /// <summary>Each example: its kind and its fields, in the document's order.</summary>
    private static IReadOnlyList<(string Kind, Dictionary<string, string> Fields)> Examples() =>
        [.. ExampleBlock().Matches(File.ReadAllText(Guide)).Select(m => (
            m.Groups["kind"].Value,
            m.Groups["body"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(": ", 2))
                .ToDictionary(kv => kv[0], kv => kv[1])))];

    [Fact]
    public void Every_worked_example_is_what_the_project_computes()
    {
        var examples = Examples();
        Assert.Contains(examples, e => e.Kind == "keccak-id");
        Assert.Contains(examples, e => e.Kind == "audit-entry");
        Assert.Contains(examples, e => e.Kind == "merkle");
        Assert.Contains(examples, e => e.Kind == "spec-hash");
        Assert.Contains(examples, e => e.Kind == "site-key-digest");
        Assert.Contains(examples, e => e.Kind == "eip191-signature");
        Assert.Contains(examples, e => e.Kind == "attestation-digest");
        Assert.Contains(examples, e => e.Kind == "subject-hash");
        Assert.Contains(examples, e => e.Kind == "eip712" && e.Fields["type"].StartsWith("InvoiceApproval(", StringComparison.Ordinal));
        Assert.Contains(examples, e => e.Kind == "eip712" && e.Fields["type"].StartsWith("CustodyTransfer(", StringComparison.Ordinal));
        foreach (var kind in new[] { "price-book-hash", "usage-hours", "availability-hours", "usage-roots", "invoice-hash", "asset-hash", "proposal-id", "registry-slots", "site-key-rotation-digest", "link-digest", "vc-jwt" })
        {
            Assert.Contains(examples, e => e.Kind == kind);
        }

        foreach (var (kind, f) in examples)
        {
            var computed = kind switch
            {
                "keccak-id" => new Dictionary<string, string> { ["id32"] = Hex(LedgerIds.Of(f["id"])) },
                "audit-entry" => AuditEntry(f),
                "merkle" => Merkle(f),
                "spec-hash" => SpecHashOf(f),
                "site-key-digest" => SiteKeyDigest(f),
                "eip191-signature" => Signature(f),
                "attestation-digest" => AttestationDigestOf(f),
                "eip712" => TypedData(f),
                "subject-hash" => new Dictionary<string, string> { ["subject_hash"] = Hex(SubjectHashing.Hash(Bytes(f["salt"]), f["subject"])) },
                "vc-jwt" => CredentialOf(f),
                "price-book-hash" => Hashed(f, PriceBookOf(f).Hash()),
                "usage-hours" => TenantHour(UsageSeal.Events(Rows(f["rows"]).Select(r => new UsageRecord(
                    r[0].GetString()!, f["tenant"], r[1].GetString()!, HourStart(f), r[2].GetInt64(), r[3].GetInt64(), r[4].GetInt64(), r[5].GetInt64())))),
                "availability-hours" => TenantHour(AvailabilitySeal.Events(Rows(f["rows"]).Select(r => new AvailabilityHour(
                    r[0].GetString()!, f["tenant"], "any project", HourStart(f), r[1].GetInt64(), r[2].GetInt64())))),
                "usage-roots" => UsageRootsOf(f),
                "invoice-hash" => InvoiceOf(f),
                "asset-hash" => Hashed(f, AssetOf(f).Hash()),
                "proposal-id" => ProposalOf(f),
                "registry-slots" => new Dictionary<string, string>
                {
                    ["site_key_slot"] = Hex(RegistrySlots.SiteKey(f["site"])),
                    ["resource_header_slot"] = Hex(RegistrySlots.ResourceHeader(f["resource"])),
                    ["spec_hash_slot"] = Hex(RegistrySlots.RequestedSpecHash(f["resource"])),
                    ["placed_site_slot"] = Hex(RegistrySlots.PlacedSite(f["resource"])),
                },
                "site-key-rotation-digest" => Encoded(f, "sankofa.site-key-rotation.v1", SiteKeyRegistration.RotationDigest(
                    f["registry"], long.Parse(f["chain_id"], CultureInfo.InvariantCulture), f["site"], f["old_key"], f["new_key"])),
                "link-digest" => Encoded(f, "sankofa.agent-link.v1", LinkProof.Digest(
                    ulong.Parse(f["chain_id"], CultureInfo.InvariantCulture), f["registry"], f["site"], Bytes(f["nonce"]))),
                _ => throw new Xunit.Sdk.XunitException($"docs/verification.md has an example of kind '{kind}' this test does not know"),
            };
            foreach (var (name, value) in computed)
            {
                Assert.True(f.TryGetValue(name, out var written), $"{kind} example lacks {name}");
                Assert.True(written == value, $"{kind} example {string.Join(", ", f.Take(2))}: the document says {name} = {written}, the code computes {value}");
            }
        }
    }

    [Fact]
    public async Task The_attestation_digest_as_documented_is_the_registrys_own_on_a_real_chain()
    {
        // The contract computes this digest (its attestationDigest view); the document's formula must give the same for a
        // live resource before and after a site attestation moves its count on.
        var ledger = fixture.Host.Services.GetRequiredService<IResourceLedger>();
        var status = await fixture.Host.Status.GetStatusAsync(CancellationToken.None);
        var id = "vm-" + Guid.NewGuid().ToString("N")[..20];
        var site = TestSites.NewId("edge-guide");
        var siteKey = await TestSites.RegisterNewKeyAsync(ledger, site);
        var spec = SHA256.HashData("guide"u8);
        await ledger.RecordRequestedAsync(id, spec, CancellationToken.None);
        await ledger.RecordPlacedAsync(id, site, "host-1", CancellationToken.None);
        await ledger.RecordProvisionedAsync(id, spec, CancellationToken.None);

        var first = await ledger.AttestationDigestAsync(id, spec, CancellationToken.None);
        Assert.Equal(Hex(AttestationDigest(status.ResourceRegistryAddress, status.ChainId, id, spec, 0)), Hex(first));
        await ledger.RecordSiteAttestationAsync(id, spec, SiteAttestation.Sign(siteKey, first), CancellationToken.None);
        Assert.True(await ledger.IsVerifiedAsync(id, CancellationToken.None)); // the signature over the documented digest was accepted
        var other = SHA256.HashData("another spec"u8);
        Assert.Equal(Hex(AttestationDigest(status.ResourceRegistryAddress, status.ChainId, id, other, 1)),
            Hex(await ledger.AttestationDigestAsync(id, other, CancellationToken.None)));
    }

    [Fact]
    public async Task The_documented_storage_slots_and_rotation_digest_are_the_registrys_own_on_a_real_chain()
    {
        // What an agent proves from the state root must be where the document says: the site's key, a resource's requested
        // spec hash and its site, read with eth_getStorageAt at the documented slots of the registry's proxy.
        var ledger = fixture.Host.Services.GetRequiredService<IResourceLedger>();
        var rpc = fixture.Host.Connection.Rpc;
        var registry = fixture.Host.Connection.ResourceRegistryAddress;
        var site = TestSites.NewId("edge-slots");
        var siteKey = await TestSites.RegisterNewKeyAsync(ledger, site);
        var id = "vm-" + Guid.NewGuid().ToString("N")[..20];
        var spec = SHA256.HashData("slots"u8);
        await ledger.RecordRequestedAsync(id, spec, CancellationToken.None);
        await ledger.RecordPlacedAsync(id, site, "host-1", CancellationToken.None);

        async Task<string> StorageAsync(byte[] slot) => (await rpc.CallAsync("eth_getStorageAt", CancellationToken.None, registry, Hex(slot), "latest")).GetString()!;
        var resourceEntry = DocumentedMappingSlot(LedgerIds.Of(id), 0);
        Assert.Equal(SiteAttestation.AddressOf(siteKey).ToLowerInvariant(), "0x" + (await StorageAsync(DocumentedMappingSlot(LedgerIds.Of(site), 2)))[^40..]);
        Assert.Equal(Hex(spec), await StorageAsync(Plus(resourceEntry, 1)));
        Assert.Equal(Hex(LedgerIds.Of(site)), await StorageAsync(Plus(resourceEntry, 2)));

        // The rotation digest as documented is the contract's siteKeyRotationDigest view.
        var next = SiteAttestation.AddressOf(TestSites.NewKey());
        var call = Sha3Keccack.Current.CalculateHash("siteKeyRotationDigest(bytes32,address,address)"u8.ToArray())[..4]
            .Concat(LedgerIds.Of(site)).Concat(new byte[12]).Concat(Bytes(SiteAttestation.AddressOf(siteKey))).Concat(new byte[12]).Concat(Bytes(next)).ToArray();
        var byContract = (await rpc.CallAsync("eth_call", CancellationToken.None, new { to = registry, data = Hex(call) }, "latest")).GetString();
        Assert.Equal(Hex(SiteKeyRegistration.RotationDigest(registry, fixture.Host.Connection.ChainId, site, SiteAttestation.AddressOf(siteKey), next)), byContract);
    }

    /// <summary>The document's rule for a mapping's entry: keccak256(key ‖ slot as a 32-byte word).</summary>
    private static byte[] DocumentedMappingSlot(byte[] key, int slot) =>
        Sha3Keccack.Current.CalculateHash([.. key, .. new byte[31], (byte)slot]);

    private static byte[] Plus(byte[] slot, int offset)
    {
        var sum = (new System.Numerics.BigInteger(slot, isUnsigned: true, isBigEndian: true) + offset).ToByteArray(isUnsigned: true, isBigEndian: true);
        return [.. new byte[32 - sum.Length], .. sum];
    }

    [Fact]
    public async Task A_script_written_from_the_document_alone_agrees_with_every_example()
    {
        // Node's crypto for SHA-256 and Foundry's cast for keccak-256: nothing of the project's code.
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repository.Root };
        foreach (var arg in new[] { Path.Combine("docs", "verification", "check.mjs"), Guide, Cast.Binary })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, output + error);
        Assert.Equal($"{Examples().Count} examples checked, 0 mismatches", output.Trim().Split('\n')[^1]);
    }

    private static Dictionary<string, string> AuditEntry(Dictionary<string, string> f)
    {
        var payloadHash = AuditHashing.PayloadHash(f["payload"]);
        var hash = AuditHashing.EntryHash(
            long.Parse(f["sequence"], CultureInfo.InvariantCulture),
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(f["time_ms"], CultureInfo.InvariantCulture)),
            f["actor"], f["action"], f["subject"], payloadHash, Bytes(f["previous_hash"]));
        // The hashed bytes are the document's own account of the encoding: they must hash to what the code computes.
        var hashedBytes = Bytes(f["hashed_bytes"]);
        return new()
        {
            ["payload_hash"] = Hex(payloadHash),
            ["hash"] = Hex(hash),
            ["hashed_bytes"] = SHA256.HashData(hashedBytes).AsSpan().SequenceEqual(hash) ? f["hashed_bytes"] : "bytes that hash to " + Hex(hash),
        };
    }

    private static Dictionary<string, string> Merkle(Dictionary<string, string> f)
    {
        var leaves = f["leaves"].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Bytes).ToArray();
        var (root, proofs) = MerkleTree.Build(leaves);
        var computed = new Dictionary<string, string>
        {
            ["root"] = Hex(root),
            ["node_0_1"] = Hex(MerkleTree.ComputeRoot([leaves[0], leaves[1]])),
        };
        for (var i = 0; i < leaves.Length; i++)
        {
            computed[$"proof_{i}"] = Hex(proofs[i]);
            Assert.Equal(root, MerkleTree.RootFromProof(leaves[i], i, leaves.Length, proofs[i]));
        }

        return computed;
    }

    private static Dictionary<string, string> SpecHashOf(Dictionary<string, string> f)
    {
        var spec = new ResourceSpec(
            int.Parse(f["vcpu"], CultureInfo.InvariantCulture), long.Parse(f["ram_mib"], CultureInfo.InvariantCulture),
            long.Parse(f["disk_gib"], CultureInfo.InvariantCulture), f["template"],
            JsonSerializer.Deserialize<string[]>(f["ssh_keys"])!, f.GetValueOrDefault("cloud_init_user"));
        var hash = SpecHash.Of(spec);
        return new()
        {
            ["spec_hash"] = Hex(hash),
            ["hashed_bytes"] = SHA256.HashData(Bytes(f["hashed_bytes"])).AsSpan().SequenceEqual(hash) ? f["hashed_bytes"] : "bytes that hash to " + Hex(hash),
        };
    }

    private static Dictionary<string, string> SiteKeyDigest(Dictionary<string, string> f)
    {
        Assert.Equal("sankofa.site-key.v1", f["tag"]); // the one tag SiteKeyRegistration.Digest uses
        var digest = SiteKeyRegistration.Digest(f["registry"], long.Parse(f["chain_id"], CultureInfo.InvariantCulture), f["site"], f["key"]);
        return new()
        {
            ["digest"] = Hex(digest),
            ["encoded"] = Sha3Keccack.Current.CalculateHash(Bytes(f["encoded"])).AsSpan().SequenceEqual(digest) ? f["encoded"] : "words that hash to " + Hex(digest),
        };
    }

    private static Dictionary<string, string> AttestationDigestOf(Dictionary<string, string> f)
    {
        var digest = AttestationDigest(f["registry"], long.Parse(f["chain_id"], CultureInfo.InvariantCulture), f["resource"],
            Bytes(f["spec_hash"]), uint.Parse(f["site_attestations"], CultureInfo.InvariantCulture));
        return new()
        {
            ["digest"] = Hex(digest),
            ["encoded"] = Sha3Keccack.Current.CalculateHash(Bytes(f["encoded"])).AsSpan().SequenceEqual(digest) ? f["encoded"] : "words that hash to " + Hex(digest),
        };
    }

    /// <summary>The document's formula, word by word (the contract is the code that computes it; the test above holds the two together).</summary>
    private static byte[] AttestationDigest(string registry, long chainId, string resourceId, byte[] specHash, uint siteAttestations)
    {
        var words = new byte[5 * 32];
        Bytes(registry).CopyTo(words, 32 - 20);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(words.AsSpan(64 - 8), chainId);
        LedgerIds.Of(resourceId).CopyTo(words, 64);
        specHash.CopyTo(words, 96);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(words.AsSpan(160 - 4), siteAttestations);
        return Sha3Keccack.Current.CalculateHash(words);
    }

    /// <summary>An EIP-712 example, its digest by the project's own typed-data code for that type (which fixes the domain name).</summary>
    private static Dictionary<string, string> TypedData(Dictionary<string, string> f)
    {
        Assert.Equal("1", f["domain_version"]);
        var contract = f["verifying_contract"];
        var chainId = long.Parse(f["chain_id"], CultureInfo.InvariantCulture);
        using var message = JsonDocument.Parse(f["message"]);
        byte[] Word(string name) => Bytes(message.RootElement.GetProperty(name).GetString()!);
        long Number(string name) => message.RootElement.GetProperty(name).GetInt64();
        var digest = f["type"] switch
        {
            "InvoiceApproval(bytes32 invoiceId,bytes32 invoiceHash)" when f["domain_name"] == "SankofaBilling" =>
                BillingTypedData.Approval(contract, chainId, Word("invoiceId"), Word("invoiceHash")),
            "CustodyTransfer(bytes32 assetId,uint64 sequence,bytes32 from,bytes32 to,bytes32 documentHash)" when f["domain_name"] == "SankofaCustody" =>
                CustodyTypedData.Transfer(contract, chainId, Word("assetId"), Number("sequence"), Word("from"), Word("to"), Word("documentHash")),
            "InvoiceDispute(bytes32 invoiceId,bytes32 invoiceHash,string reason)" when f["domain_name"] == "SankofaBilling" =>
                BillingTypedData.Dispute(contract, chainId, Word("invoiceId"), Word("invoiceHash"), message.RootElement.GetProperty("reason").GetString()!),
            "DisputeResolution(bytes32 invoiceId,bytes32 invoiceHash,bool upheld)" when f["domain_name"] == "SankofaBilling" =>
                BillingTypedData.Resolution(contract, chainId, Word("invoiceId"), Word("invoiceHash"), message.RootElement.GetProperty("upheld").GetBoolean()),
            "AssetRegistration(bytes32 assetId,bytes32 assetHash,bytes32 documentHash)" when f["domain_name"] == "SankofaCustody" =>
                CustodyTypedData.Registration(contract, chainId, Word("assetId"), Word("assetHash"), Word("documentHash")),
            "AssetInspection(bytes32 assetId,uint64 sequence,bool passed,bytes32 documentHash)" when f["domain_name"] == "SankofaCustody" =>
                CustodyTypedData.Inspection(contract, chainId, Word("assetId"), Number("sequence"), message.RootElement.GetProperty("passed").GetBoolean(), Word("documentHash")),
            "AssetInstallation(bytes32 assetId,uint64 sequence,bytes32 site,bytes32 host,bytes32 documentHash)" when f["domain_name"] == "SankofaCustody" =>
                CustodyTypedData.Installation(contract, chainId, Word("assetId"), Number("sequence"), Word("site"), Word("host"), Word("documentHash")),
            "AssetDecommission(bytes32 assetId,uint64 sequence,bytes32 certificateHash)" when f["domain_name"] == "SankofaCustody" =>
                CustodyTypedData.Decommission(contract, chainId, Word("assetId"), Number("sequence"), Word("certificateHash")),
            var other => throw new Xunit.Sdk.XunitException($"No typed-data code of the project for {f["domain_name"]} {other}"),
        };

        // The document's intermediate hashes must make the digest the code computes.
        var fromParts = Sha3Keccack.Current.CalculateHash([0x19, 0x01, .. Bytes(f["domain_separator"]), .. Bytes(f["struct_hash"])]);
        var partsAgree = fromParts.AsSpan().SequenceEqual(digest);
        return new()
        {
            ["digest"] = Hex(digest),
            ["domain_separator"] = partsAgree ? f["domain_separator"] : "parts that do not make " + Hex(digest),
            ["struct_hash"] = partsAgree ? f["struct_hash"] : "parts that do not make " + Hex(digest),
            ["signature"] = Hex(BillingTypedData.Sign(Bytes(f["private_key"]), digest)),
        };
    }

    private static Dictionary<string, string> Signature(Dictionary<string, string> f)
    {
        var key = Bytes(f["private_key"]);
        var digest = Bytes(f["digest"]);
        return new()
        {
            ["address"] = SiteAttestation.AddressOf(key),
            ["signature"] = Hex(SiteAttestation.Sign(key, digest)),
            ["signed_hash"] = Hex(Sha3Keccack.Current.CalculateHash([.. "\u0019Ethereum Signed Message:\n32"u8, .. digest])),
        };
    }

    /// <summary>An encoding's hash by the project's code; the document's bytes must hash to it.</summary>
    private static Dictionary<string, string> Hashed(Dictionary<string, string> f, byte[] hash) => new()
    {
        ["hash"] = Hex(hash),
        ["hashed_bytes"] = SHA256.HashData(Bytes(f["hashed_bytes"])).AsSpan().SequenceEqual(hash) ? f["hashed_bytes"] : "bytes that hash to " + Hex(hash),
    };

    /// <summary>A keccak-256 digest by the project's code over words the document lists; its tag must be the one the code uses.</summary>
    private static Dictionary<string, string> Encoded(Dictionary<string, string> f, string tag, byte[] digest)
    {
        Assert.Equal(tag, f["tag"]);
        return new()
        {
            ["digest"] = Hex(digest),
            ["encoded"] = Sha3Keccack.Current.CalculateHash(Bytes(f["encoded"])).AsSpan().SequenceEqual(digest) ? f["encoded"] : "words that hash to " + Hex(digest),
        };
    }

    private static JsonElement[][] Rows(string json) =>
        [.. JsonDocument.Parse(json).RootElement.EnumerateArray().Select(r => r.EnumerateArray().ToArray())];

    private static DateTimeOffset HourStart(Dictionary<string, string> f) =>
        DateTimeOffset.FromUnixTimeSeconds(long.Parse(f["hour_start"], CultureInfo.InvariantCulture));

    /// <summary>One tenant-hour sealed as the metering (or probe) round seals it: one event, its payload and hash.</summary>
    private static Dictionary<string, string> TenantHour<T>(IReadOnlyList<SealedHours<T>> sealedHours)
    {
        var payload = Assert.Single(sealedHours).Event.Payload;
        return new() { ["payload"] = payload, ["payload_hash"] = Hex(AuditHashing.PayloadHash(payload)) };
    }

    private static PriceBook PriceBookOf(Dictionary<string, string> f) => new(
        long.Parse(f.GetValueOrDefault("version") ?? f["price_book_version"], CultureInfo.InvariantCulture),
        DateTimeOffset.FromUnixTimeSeconds(long.Parse(f.GetValueOrDefault("effective_from") ?? f["period_start"], CultureInfo.InvariantCulture)),
        f["currency"], int.Parse(f["minor_digits"], CultureInfo.InvariantCulture),
        [.. Rows(f["prices"]).Select(p => new Price(BillingNames.Tier(p[0].GetString())!.Value, BillingNames.Dimension(p[1].GetString())!.Value, p[2].GetInt64()))]);

    private static Dictionary<string, string> UsageRootsOf(Dictionary<string, string> f)
    {
        var roots = UsageRoots.Commit(Rows(f["batches"]).Select(b => KeyValuePair.Create(b[0].GetInt64(), Bytes(b[1].GetString()!))));
        return new()
        {
            ["usage_roots"] = Hex(roots),
            ["encoded"] = SHA256.HashData(Bytes(f["encoded"])).AsSpan().SequenceEqual(roots) ? f["encoded"] : "bytes that hash to " + Hex(roots),
        };
    }

    /// <summary>The invoice as a billing run builds it: rated at the price book, credited by availability, then hashed.</summary>
    private static Dictionary<string, string> InvoiceOf(Dictionary<string, string> f)
    {
        var invoice = Invoice.Build(f["id"], f["tenant"],
            DateTimeOffset.FromUnixTimeSeconds(long.Parse(f["period_start"], CultureInfo.InvariantCulture)),
            DateTimeOffset.FromUnixTimeSeconds(long.Parse(f["period_end"], CultureInfo.InvariantCulture)),
            PriceBookOf(f), Bytes(f["usage_roots"]), int.Parse(f["tax_basis_points"], CultureInfo.InvariantCulture),
            Rows(f["usage"]).Select(u => new RatedUsage(u[1].GetString()!, u[0].GetString()!, BillingNames.Tier(u[2].GetString())!.Value,
                u[3].GetInt64(), u[4].GetInt64(), u[5].GetInt64(), u[6].GetInt64())),
            Rows(f["availability"]).Select(a => new ResourceAvailability(a[0].GetString()!, a[1].GetInt64(), a[2].GetInt64())));
        var computed = Hashed(f, invoice.Hash());
        computed["lines"] = JsonSerializer.Serialize(invoice.Lines.Select(l => new object[]
        {
            l.ProjectId, l.ResourceId, BillingNames.Name(l.Tier), l.Seconds, l.VCpuSeconds, l.RamMiBSeconds, l.DiskGiBSeconds, l.VCpuAmount, l.RamAmount, l.DiskAmount,
        }));
        computed["credits"] = JsonSerializer.Serialize(invoice.Credits.Select(c => new object[] { c.ResourceId, c.ExpectedSeconds, c.DownSeconds, c.TargetPpm, c.Percent, c.Amount }));
        computed["subtotal"] = invoice.Subtotal.ToString(CultureInfo.InvariantCulture);
        computed["credit_total"] = invoice.CreditTotal.ToString(CultureInfo.InvariantCulture);
        computed["tax"] = invoice.Tax.ToString(CultureInfo.InvariantCulture);
        computed["total"] = invoice.Total.ToString(CultureInfo.InvariantCulture);
        return computed;
    }

    private static Asset AssetOf(Dictionary<string, string> f) => new(
        f["id"], HardwareNames.Kind(f["kind"])!.Value, f["manufacturer"], f["model"], f["serial"],
        [.. Rows(f["firmware"]).Select(v => new FirmwareVersion(v[0].GetString()!, v[1].GetString()!))], f.GetValueOrDefault("server_id"), f.GetValueOrDefault("host_id"));

    /// <summary>The credential as the issuer encodes and signs it, and checked as the verifier checks it.</summary>
    private static Dictionary<string, string> CredentialOf(Dictionary<string, string> f)
    {
        DateTimeOffset At(string name) => DateTimeOffset.FromUnixTimeSeconds(long.Parse(f[name], CultureInfo.InvariantCulture));
        using var key = new SigningKey(Bytes(f["private_key"]));
        var jwt = VcJwt.Encode(new RoleCredential(f["id"], f["issuer"], f["subject"], new RoleGrant(f["role"], f.GetValueOrDefault("scope")),
            At("issued_at"), At("valid_from"), At("valid_until")), key);
        var parts = jwt.Split('.');
        var signingInput = System.Text.Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var issuer = EthrDid.TryParse(f["issuer"], out var did, out _) ? did.Address : "not a did:ethr";
        return new()
        {
            ["jwt"] = jwt,
            ["header"] = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[0])),
            ["payload"] = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])),
            ["signing_input_sha256"] = Hex(SHA256.HashData(signingInput)),
            ["issuer_address"] = Es256K.IsSignedBy(System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]), signingInput, issuer) ? issuer : "a key the signature was not made by",
        };
    }

    private static Dictionary<string, string> ProposalOf(Dictionary<string, string> f)
    {
        var targets = JsonSerializer.Deserialize<string[]>(f["targets"])!;
        var values = JsonSerializer.Deserialize<long[]>(f["values"])!;
        var payloads = JsonSerializer.Deserialize<string[]>(f["payloads"])!;
        var id = BoardMember.ProposalId([.. targets.Select((t, i) => new BoardCall(t, Bytes(payloads[i]), values[i]))], f["description"]);
        return new()
        {
            ["proposal_id"] = Hex(id),
            ["description_hash"] = Hex(Sha3Keccack.Current.CalculateHash(System.Text.Encoding.UTF8.GetBytes(f["description"]))),
            ["encoded"] = Sha3Keccack.Current.CalculateHash(Bytes(f["encoded"])).AsSpan().SequenceEqual(id) ? f["encoded"] : "words that hash to " + Hex(id),
        };
    }

    // The ledger's own hex forms ("0x", lower case), as the API and cast write them.
    private static string Hex(byte[] bytes) => Rpc.Hex.Bytes(bytes);

    private static byte[] Bytes(string hex) => Rpc.Hex.ToBytes(hex);

    [GeneratedRegex(@"^```verify (?<kind>[\w-]+)\n(?<body>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ExampleBlock();
}
