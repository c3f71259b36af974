using Microsoft.Extensions.Configuration;

namespace Sankofa.Ledger;

/// <summary>Where the ledger keeps its files: <c>&lt;DataDirectory&gt;/ledger/</c>.</summary>
internal sealed record LedgerPaths(string LedgerDirectory)
{
    public string KeyStore => Path.Combine(LedgerDirectory, Keys.SignerKeyStore.KeyFileName);

    public string KeyPasswordFile => Path.Combine(LedgerDirectory, Keys.SignerKeyStore.PasswordFileName);

    public string Deployment => Path.Combine(LedgerDirectory, "deployment.json");

    public string AnvilState => Path.Combine(LedgerDirectory, "anvil-state.json");

    public string AnvilLog => Path.Combine(LedgerDirectory, "anvil.log");

    public string AnvilPid => Path.Combine(LedgerDirectory, "anvil.pid");

    public string AnvilSocket => Path.Combine(LedgerDirectory, "anvil.ipc");

    /// <summary>Reads the top-level <c>DataDirectory</c> key (default <c>~/.sankofa</c>).</summary>
    public static LedgerPaths FromConfiguration(IConfiguration configuration) =>
        new(Path.Combine(Core.DataDirectory.Resolve(configuration[Core.DataDirectory.Key]), "ledger"));
}
