using Microsoft.Extensions.Configuration;
using Sankofa.Agent.Work;

namespace Sankofa.Agent.Tests.Work;

/// <summary>`agent run`'s settings for work: what is required, named when missing, and what defaults to the registration.</summary>
public sealed class AgentWorkSettingsTests
{
    private static readonly Dictionary<string, string?> Complete = new()
    {
        ["Agent:Proxmox:BaseUrl"] = "https://pve.example:8006",
        ["Agent:Proxmox:TokenId"] = "sankofa@pve!agent",
        ["Agent:Proxmox:TokenSecret"] = "secret",
        ["Agent:Chain:RpcUrl"] = "https://cp.example/chain/rpc",
        ["Agent:Chain:CheckpointNumber"] = "12",
        ["Agent:Chain:CheckpointHash"] = "0x" + new string('a', 64),
    };

    private static AgentWorkSettings Read(Dictionary<string, string?> values, long chainId = 31337) =>
        AgentWorkSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), chainId);

    private static Dictionary<string, string?> Without(string key) => Complete.Where(e => e.Key != key).ToDictionary();

    [Fact]
    public void Complete_settings_bind_with_the_chain_id_of_the_registration_and_the_defaults()
    {
        var settings = Read(Complete, chainId: 1337);

        Assert.Equal(new Uri("https://pve.example:8006"), settings.Proxmox.BaseUrl);
        Assert.Equal((1337L, 12L), (settings.Chain.ChainId, settings.Chain.CheckpointNumber));
        Assert.Equal((4, TimeSpan.FromSeconds(30)), (settings.MaxConcurrentWork, settings.ReportInterval));
    }

    [Theory]
    [InlineData("Agent:Proxmox:BaseUrl")]
    [InlineData("Agent:Proxmox:TokenSecret")]
    [InlineData("Agent:Chain:RpcUrl")]
    [InlineData("Agent:Chain:CheckpointNumber")]
    [InlineData("Agent:Chain:CheckpointHash")]
    public void A_missing_setting_is_named(string key)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(Without(key)));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chain_id_other_than_the_registrations_is_refused() =>
        Assert.Contains("registered for chain 31337", Assert.Throws<InvalidOperationException>(() => Read(new(Complete) { ["Agent:Chain:ChainId"] = "1" })).Message, StringComparison.Ordinal);
}
