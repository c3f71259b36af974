using System.Runtime.CompilerServices;
using Sankofa.Cli.Api;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Cli.Tests;

/// <summary>
/// Where the CLI keeps its tokens during the tests: one directory for the whole run, set before any test runs (the
/// variable is process-wide, and test classes run in parallel). Tokens are kept per server, and every test server has
/// a port of its own, so tests do not see each other's.
/// </summary>
internal static class CliConfig
{
    public static string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("sankofa-cli-config-").FullName;

    [ModuleInitializer]
    internal static void Initialize() => Environment.SetEnvironmentVariable("SANKOFA_CONFIG_DIR", Directory);

    /// <summary>Keeps the platform administrator's token for <paramref name="server"/>, as <c>sankofa login</c> would.</summary>
    public static async Task SignInAsAdministratorAsync(Uri server)
    {
        var (token, expiresAt) = await AdminToken.RequestAsync(server);
        CliCredentials.Save(server, new StoredTokens(token, null, expiresAt));
    }

    /// <summary>
    /// Drops what the CLI keeps for <paramref name="server"/>, for tests that use the CLI without signing in: a test
    /// server can get the port an earlier test's server had, and must not be sent that server's token (it answers
    /// 401 "Invalid token" even where no token is needed).
    /// </summary>
    public static void Forget(Uri server) => CliCredentials.Save(server, null);
}
