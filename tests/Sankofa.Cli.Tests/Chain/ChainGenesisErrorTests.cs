namespace Sankofa.Cli.Tests.Chain;

/// <summary>Bad options of <c>sankofa chain genesis</c>: a message naming the option, a non-zero exit, nothing written.</summary>
public sealed class ChainGenesisErrorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sankofa-chain-errors-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("--validators", "0")]
    [InlineData("--validators", "-3")]
    [InlineData("--read-replicas", "-1")]
    [InlineData("--chain-id", "0")]
    [InlineData("--block-period", "0")]
    [InlineData("--fund", "0x1234")]
    [InlineData("--host-template", "bad host/{name}")]
    [InlineData("--install-path", "relative/path")]
    [InlineData("--p2p-port", "70000")]
    public async Task A_bad_value_is_refused_with_a_message_naming_the_option(string option, string value)
    {
        var args = new List<string> { "chain", "genesis", "--validators", "4", "--out", Path.Combine(_root, "net") };
        var at = args.IndexOf(option);
        if (at >= 0)
        {
            args[at + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var (exit, _, error) = await ChainCli.RunAsync([.. args]);

        Assert.NotEqual(0, exit);
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "net")));
    }

    [Fact]
    public async Task An_existing_directory_with_files_in_it_is_refused_and_left_as_it_was()
    {
        var net = Directory.CreateDirectory(Path.Combine(_root, "net")).FullName;
        await File.WriteAllTextAsync(Path.Combine(net, "keep.txt"), "mine");

        var (exit, _, error) = await ChainCli.RunAsync("chain", "genesis", "--validators", "4", "--out", net);

        Assert.NotEqual(0, exit);
        Assert.Contains("--out", error, StringComparison.Ordinal);
        Assert.Contains("not empty", error, StringComparison.Ordinal);
        Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(net).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_request_timeout_not_longer_than_the_block_period_is_refused()
    {
        var (exit, _, error) = await ChainCli.RunAsync(
            "chain", "genesis", "--validators", "4", "--block-period", "5", "--request-timeout", "5", "--out", Path.Combine(_root, "net"));

        Assert.NotEqual(0, exit);
        Assert.Contains("--request-timeout", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validators_and_out_are_required()
    {
        var (exit, _, error) = await ChainCli.RunAsync("chain", "genesis");

        Assert.NotEqual(0, exit);
        Assert.Contains("--validators", error, StringComparison.Ordinal);
        Assert.Contains("--out", error, StringComparison.Ordinal);
    }
}
