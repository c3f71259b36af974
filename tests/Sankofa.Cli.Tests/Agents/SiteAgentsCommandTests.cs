using System.Text.Json;
using Sankofa.Agent.Keys;
using Sankofa.Agent.Registration;
using Sankofa.Cli.Agent;
using Sankofa.Cli.Sites;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Cli.Tests.Agents;

/// <summary>Bringing up a site from the command line: `agent init` at the site, `sites agents register` and `approve` by an administrator, against a real server and chain.</summary>
public sealed class SiteAgentsCommandTests : IAsyncLifetime
{
    private readonly string agentDirectory = Path.Combine(Directory.CreateTempSubdirectory("sankofa-cli-agent-").FullName, "agent");
    private TestServer server = null!;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        await CliConfig.SignInAsAdministratorAsync(server.Address);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(agentDirectory)!, recursive: true);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await SankofaCommand.Create().Parse([.. args, "--server", server.Address.ToString()])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Init_then_register_then_approve_brings_the_site_key_to_approved_and_a_second_init_is_refused()
    {
        var (exit, output, error) = await RunAsync("agent", "init", "--site", "edge-020", "--data-dir", agentDirectory);
        Assert.True(exit == AgentCommand.Ok, error);
        var address = SiteKey.LoadFrom(agentDirectory).Address;
        Assert.Contains(address, output, StringComparison.Ordinal);
        Assert.DoesNotContain(File.ReadAllText(SiteKey.PathIn(agentDirectory)), output, StringComparison.OrdinalIgnoreCase);
        var file = Path.Combine(agentDirectory, RegistrationRequest.FileName);

        (exit, output, error) = await RunAsync("sites", "agents", "register", "--file", file, "--output", "json");
        Assert.True(exit == SiteAgentsCommand.Ok, error);
        Assert.Equal("pending", JsonDocument.Parse(output).RootElement.GetProperty("state").GetString());

        (exit, output, error) = await RunAsync("sites", "agents", "approve", "edge-020", "--output", "json");
        Assert.True(exit == SiteAgentsCommand.Ok, error);
        Assert.Equal("approved", JsonDocument.Parse(output).RootElement.GetProperty("state").GetString());

        (exit, output, _) = await RunAsync("sites", "agents", "--site", "edge-020");
        Assert.Equal(SiteAgentsCommand.Ok, exit);
        Assert.Matches(@"edge-020\s+approved", output);
        Assert.Contains(address.ToLowerInvariant(), output, StringComparison.Ordinal);

        // The site has no pending agent left; and its key is never replaced.
        (exit, _, error) = await RunAsync("sites", "agents", "approve", "edge-020");
        Assert.Equal(SiteAgentsCommand.NotFound, exit);
        Assert.Contains("no pending agent", error, StringComparison.Ordinal);
        var key = File.ReadAllBytes(SiteKey.PathIn(agentDirectory));
        (exit, _, error) = await RunAsync("agent", "init", "--site", "edge-020", "--data-dir", agentDirectory);
        Assert.Equal(AgentCommand.Error, exit);
        Assert.Contains("never replaces", error, StringComparison.Ordinal);
        Assert.Equal(key, File.ReadAllBytes(SiteKey.PathIn(agentDirectory)));
    }

    [Fact]
    public async Task Agent_rotate_then_sites_agents_rotate_and_approve_move_the_site_to_the_new_key_and_revoke_takes_it_off()
    {
        var (exit, _, error) = await RunAsync("agent", "init", "--site", "edge-025", "--data-dir", agentDirectory);
        Assert.True(exit == AgentCommand.Ok, error);
        (exit, _, error) = await RunAsync("sites", "agents", "register", "--file", Path.Combine(agentDirectory, RegistrationRequest.FileName));
        Assert.True(exit == SiteAgentsCommand.Ok, error);
        (exit, _, error) = await RunAsync("sites", "agents", "approve", "edge-025");
        Assert.True(exit == SiteAgentsCommand.Ok, error);
        var old = SiteKey.LoadFrom(agentDirectory).Address.ToLowerInvariant();

        string output;
        (exit, output, error) = await RunAsync("agent", "rotate", "--data-dir", agentDirectory);
        Assert.True(exit == AgentCommand.Ok, error);
        var next = SiteKey.LoadNextFrom(agentDirectory).Address;
        Assert.Contains($"mv {SiteKey.NextFileName} {SiteKey.FileName}", output, StringComparison.Ordinal);
        Assert.DoesNotContain(File.ReadAllText(SiteKey.PathIn(agentDirectory, SiteKey.NextFileName)), output, StringComparison.OrdinalIgnoreCase);
        (exit, _, error) = await RunAsync("agent", "rotate", "--data-dir", agentDirectory);
        Assert.Equal(AgentCommand.Error, exit);
        Assert.Contains("rotation's new key already", error, StringComparison.Ordinal);

        (exit, output, error) = await RunAsync("sites", "agents", "rotate", "--file", Path.Combine(agentDirectory, RotationRequest.FileName), "--output", "json");
        Assert.True(exit == SiteAgentsCommand.Ok, error);
        Assert.Equal(old, JsonDocument.Parse(output).RootElement.GetProperty("rotatesFrom").GetString());
        (exit, output, error) = await RunAsync("sites", "agents", "approve", "edge-025", "--address", next, "--output", "json");
        Assert.True(exit == SiteAgentsCommand.Ok, error);
        Assert.Equal("approved", JsonDocument.Parse(output).RootElement.GetProperty("state").GetString());

        (exit, output, _) = await RunAsync("sites", "agents", "--site", "edge-025");
        Assert.Matches(@"edge-025\s+rotated\s+.*" + old, output);
        Assert.Matches(@"edge-025\s+approved\s+.*" + next.ToLowerInvariant(), output);

        (exit, output, error) = await RunAsync("sites", "agents", "revoke", "edge-025", "--address", next);
        Assert.True(exit == SiteAgentsCommand.Ok, error);
        Assert.Matches(@"revoked\s+\S+ \S+ by .*, 0x[0-9a-f]{64} \(block \d+\)", output);
        (exit, _, error) = await RunAsync("sites", "agents", "revoke", "edge-025", "--address", old);
        Assert.Equal(SiteAgentsCommand.Error, exit);
        Assert.Contains("rotated away", error, StringComparison.Ordinal);
    }
}
