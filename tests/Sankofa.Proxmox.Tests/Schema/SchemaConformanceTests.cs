using Sankofa.Proxmox.Emulator.Api;
using Sankofa.Proxmox.Emulator.Schema;
using Sankofa.Proxmox.Tests.Infrastructure;

namespace Sankofa.Proxmox.Tests.Schema;

public sealed class SchemaConformanceTests
{
    [Fact]
    public void Embedded_subset_is_exactly_what_the_official_schema_says_for_the_served_endpoints()
    {
        string expected;
        using (var official = File.OpenRead(Repository.OfficialSchema))
        {
            expected = SchemaSubset.Derive(official, ServedEndpoints.All);
        }

        // SANKOFA_UPDATE_PROXMOX_SUBSET=1 rewrites the embedded file after the served endpoints change.
        if (Environment.GetEnvironmentVariable("SANKOFA_UPDATE_PROXMOX_SUBSET") == "1")
        {
            File.WriteAllText(Repository.EmbeddedSubset, expected);
        }

        using var embedded = new StreamReader(ApiSchema.OpenEmbeddedSubset());
        Assert.True(expected == embedded.ReadToEnd(),
            "The embedded Proxmox API subset differs from the official schema; rerun this test with SANKOFA_UPDATE_PROXMOX_SUBSET=1 and rebuild.");
    }

    [Fact]
    public void Every_endpoint_the_emulator_serves_is_in_the_embedded_subset()
    {
        var schema = ApiSchema.LoadEmbedded();
        foreach (var (path, method) in ServedEndpoints.All)
        {
            var endpoint = schema.Endpoints.SingleOrDefault(e => e.Path == path);
            Assert.True(endpoint is not null && endpoint.Methods.ContainsKey(method), $"{method} {path}");
        }
    }

    [Theory]
    [InlineData("cores", "0", "value must have a minimum value of 1")]
    [InlineData("cores", "two", "type check ('integer') failed - got 'two'")]
    [InlineData("coress", "2", "property is not defined in schema and the schema does not allow additional properties")]
    [InlineData("sshkeys", "ssh-ed25519 AAAA me@host", "invalid format - value must be URL-encoded")]
    [InlineData("memory", "current=8", "invalid format - current: value must have a minimum value of 16")]
    [InlineData("memory", "current=1024,bogus=1", "invalid format - property 'bogus' is not defined in the format")]
    public void Validator_rejects_what_Proxmox_rejects_with_its_message(string name, string value, string message)
    {
        var config = SchemaConformance.Schema.Match("/nodes/pve/qemu/100/config", out var pathParameters)!.Methods["PUT"];
        var parameters = new Dictionary<string, string>(pathParameters) { [name] = value };
        var errors = config.Validate(parameters);
        Assert.Equal(message, errors[name]);
    }

    [Fact]
    public void Validator_reports_missing_required_parameters_and_bad_enums()
    {
        var resize = SchemaConformance.Schema.Match("/nodes/pve/qemu/100/resize", out var pathParameters)!.Methods["PUT"];
        var errors = resize.Validate(new Dictionary<string, string>(pathParameters) { ["disk"] = "floppy0" });
        Assert.Equal("property is missing and it is not optional", errors["size"]);
        Assert.StartsWith("value 'floppy0' does not have a value in the enumeration", errors["disk"], StringComparison.Ordinal);
        Assert.Equal("value must have a minimum value of 100",
            resize.Validate(new Dictionary<string, string> { ["node"] = "pve", ["vmid"] = "99", ["disk"] = "scsi0", ["size"] = "1G" })["vmid"]);
    }
}
