using System.CommandLine;
using System.Text.Json;
using Nethereum.Signer;
using Sankofa.Cli.Chain;
using Tomlyn;
using Tomlyn.Model;

namespace Sankofa.Cli.Tests.Chain;

/// <summary>Runs <c>sankofa chain ...</c> in-process and reads back what it wrote, as an operator's tools would.</summary>
internal static class ChainCli
{
    public static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await SankofaCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>The node key in <c>DIR/NODE/key</c>.</summary>
    public static EthECKey Key(string directory, string node) =>
        new(File.ReadAllText(Path.Combine(directory, node, QbftNetwork.KeyFile)).Trim());

    /// <summary>The enode URL of the key in <c>DIR/NODE/key</c> at <paramref name="hostPort"/>.</summary>
    public static string Enode(string directory, string node, string hostPort) =>
        $"enode://{Convert.ToHexStringLower(Key(directory, node).GetPubKeyNoPrefix())}@{hostPort}";

    public static TomlTable Toml(string path) => TomlSerializer.Deserialize<TomlTable>(File.ReadAllText(path))!;

    public static IEnumerable<string> Strings(object? array) => ((TomlArray)array!).Select(v => (string)v!);

    public static JsonElement Genesis(string directory) => JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, QbftNetwork.GenesisFile))).RootElement.Clone();
}
