using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sankofa.Agent.LightClient;

namespace Sankofa.Agent.Tests.LightClient;

/// <summary>The light client's settings are checked when the agent starts, each problem naming its key.</summary>
public sealed class LightClientOptionsTests
{
    private static OptionsValidationException Problems(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddLogging().AddSankofaLightClient(configuration).BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<LightClientOptions>>().Value);
    }

    [Fact]
    public void Without_a_checkpoint_the_light_client_does_not_start_and_says_which_settings_are_missing()
    {
        var error = Problems(new() { ["Agent:Chain:RpcUrl"] = "http://127.0.0.1:8480/chain/rpc" });

        Assert.Contains("Agent:Chain:CheckpointNumber", error.Message, StringComparison.Ordinal);
        Assert.Contains("Agent:Chain:CheckpointHash", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Agent:Chain:RpcUrl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_hash_that_is_not_32_bytes_of_hex_is_refused()
    {
        var error = Problems(new()
        {
            ["Agent:Chain:RpcUrl"] = "http://127.0.0.1:8480/chain/rpc",
            ["Agent:Chain:CheckpointNumber"] = "12",
            ["Agent:Chain:CheckpointHash"] = "0x1234",
        });

        Assert.Contains("Agent:Chain:CheckpointHash", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("257")]
    public void A_proof_age_outside_the_headers_the_light_client_keeps_is_refused(string age)
    {
        var error = Problems(new()
        {
            ["Agent:Chain:RpcUrl"] = "http://127.0.0.1:8480/chain/rpc",
            ["Agent:Chain:CheckpointNumber"] = "12",
            ["Agent:Chain:CheckpointHash"] = "0x" + new string('a', 64),
            ["Agent:Chain:MaxProofAge"] = age,
        });

        Assert.Contains("Agent:Chain:MaxProofAge must be 0 to 256 blocks", error.Message, StringComparison.Ordinal);
    }
}
