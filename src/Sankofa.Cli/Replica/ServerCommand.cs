using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Sankofa.Core;
using Sankofa.Server.Hosting;

namespace Sankofa.Cli.Replica;

/// <summary>
/// <c>sankofa server</c>: one control-plane replica, the server of <c>sankofa up</c> without the embedded chain, the
/// emulated sites or the agents, on a PostgreSQL and a chain that other replicas share (docs/operations.md, "Running replicas").
/// </summary>
internal static class ServerCommand
{
    /// <summary>Environment variable holding the store's connection string when <c>--store</c> is not given.</summary>
    public const string StoreVariable = "SANKOFA_STORE";

    /// <summary>Environment variable holding the signing key's keystore password when <c>--key-password-file</c> is not given.</summary>
    public const string KeyPasswordVariable = "SANKOFA_KEY_PASSWORD";

    public static Command Create()
    {
        var store = new Option<string?>("--store")
        {
            Description = $"PostgreSQL connection string every replica shares (default: ${StoreVariable}, else Store:ConnectionString). "
                + "Keep its password out of it: PGPASSWORD or a ~/.pgpass file (Passfile=…).",
        };
        var rpcUrl = UriOption.CreateNode("--rpc-url", "The chain's JSON-RPC endpoint (Besu or any EVM) every replica shares (default: Ledger:RpcUrl).");
        var keyPasswordFile = new Option<FileInfo?>("--key-password-file")
        {
            Description = $"File holding the password of the signing key's keystore, readable by its owner only (default: ${KeyPasswordVariable}, else Ledger:KeyPassword).",
        };
        var dataDir = new Option<DirectoryInfo?>("--data-dir")
        {
            Description = "This replica's files: the keystore and contract addresses (ledger/), the issuer's keys (oidc/), the personal-data key; "
                + "every replica needs the same copies (default: $SANKOFA_DATA_DIR or ~/.sankofa).",
        };
        var urls = new Option<string>("--urls")
        {
            Description = "Addresses this replica listens on (separated by ';').",
            DefaultValueFactory = _ => Up.UpCommand.DefaultUrl,
        };
        var issuer = UriOption.Create("--issuer", "The public URL clients reach the replicas at (the load balancer): tokens name it as issuer, so any replica takes them (default: Oidc:Issuer).");
        var agentLink = UriOption.Create("--agent-link-url", "Address of this replica's HTTP/2 port for site agents (default: AgentLink:Url; none: no agent link).");
        var command = new Command("server", "Run one control-plane replica against a shared PostgreSQL and chain (no embedded chain, emulated sites or agents).")
        {
            store, rpcUrl, keyPasswordFile, dataDir, urls, issuer, agentLink,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(new Arguments(
            parse.GetValue(store), parse.GetValue(rpcUrl), parse.GetValue(keyPasswordFile), parse.GetValue(dataDir), parse.GetValue(urls)!,
            parse.GetValue(issuer), parse.GetValue(agentLink)), cancellationToken));
        return command;
    }

    private sealed record Arguments(string? Store, Uri? RpcUrl, FileInfo? KeyPasswordFile, DirectoryInfo? DataDir, string Urls, Uri? Issuer, Uri? AgentLink);

    private static async Task<int> RunAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        var builder = ServerHost.CreateBuilder(arguments.Urls);
        try
        {
            Configure(builder.Configuration, arguments);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync("sankofa server: " + ex.Message);
            return 2;
        }

        await using var app = await ServerHost.StartAsync(builder, "sankofa server", cancellationToken);
        if (app is null)
        {
            return 1;
        }

        await Console.Out.WriteLineAsync($"sankofa server: replica listening on {arguments.Urls}, store {Describe(builder.Configuration["Store:ConnectionString"]!)}, chain {builder.Configuration["Ledger:RpcUrl"]}");
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    /// <summary>Puts the arguments into the server's settings, refusing what a replica cannot run without (the message names the flag).</summary>
    private static void Configure(ConfigurationManager configuration, Arguments arguments)
    {
        if (arguments.DataDir is { } dataDir)
        {
            configuration[DataDirectory.Key] = dataDir.FullName;
        }
        else if (Environment.GetEnvironmentVariable("SANKOFA_DATA_DIR") is { Length: > 0 } fromEnvironment)
        {
            configuration[DataDirectory.Key] = fromEnvironment;
        }

        var store = arguments.Store ?? Environment.GetEnvironmentVariable(StoreVariable) ?? configuration["Store:ConnectionString"];
        if (string.IsNullOrWhiteSpace(store))
        {
            throw new ArgumentException($"--store (or ${StoreVariable}) is required: the PostgreSQL connection string every replica shares.");
        }

        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(store);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"--store is not a PostgreSQL connection string: {ex.Message}", ex);
        }

        if (string.IsNullOrWhiteSpace(parsed.Host) || string.IsNullOrWhiteSpace(parsed.Database))
        {
            throw new ArgumentException("--store must name the Host and the Database (e.g. Host=db;Database=sankofa;Username=sankofa).");
        }

        configuration["Store:Provider"] = "postgres";
        configuration["Store:ConnectionString"] = store;

        var rpcUrl = arguments.RpcUrl?.ToString() ?? configuration["Ledger:RpcUrl"];
        if (string.IsNullOrWhiteSpace(rpcUrl))
        {
            throw new ArgumentException("--rpc-url (or Ledger:RpcUrl) is required: a replica never starts a chain of its own.");
        }

        configuration["Ledger:RpcUrl"] = rpcUrl;
        configuration["Ledger:KeyPassword"] = KeyPassword(arguments.KeyPasswordFile, configuration["Ledger:KeyPassword"]);
        if (arguments.Issuer is { } issuer)
        {
            configuration["Oidc:Issuer"] = issuer.ToString();
        }

        if (arguments.AgentLink is { } agentLink)
        {
            configuration["AgentLink:Url"] = agentLink.ToString().TrimEnd('/');
        }
    }

    /// <summary>The keystore password: from a file only its owner reads, else the environment, never from the command line (which <c>ps</c> shows).</summary>
    private static string KeyPassword(FileInfo? file, string? configured)
    {
        if (file is not null)
        {
            if (!file.Exists)
            {
                throw new ArgumentException($"--key-password-file {file.FullName} does not exist.");
            }

            if (!OperatingSystem.IsWindows() && (file.UnixFileMode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            {
                throw new ArgumentException($"--key-password-file {file.FullName} can be read by others; chmod 600 it.");
            }

            var password = File.ReadAllText(file.FullName).TrimEnd('\r', '\n');
            return password.Length > 0 ? password : throw new ArgumentException($"--key-password-file {file.FullName} is empty.");
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(KeyPasswordVariable) ?? configured;
        return !string.IsNullOrEmpty(fromEnvironment)
            ? fromEnvironment
            : throw new ArgumentException($"--key-password-file (or ${KeyPasswordVariable}) is required: the password of the signing key's keystore in <data-dir>/ledger.");
    }

    /// <summary>The store as the start line shows it: where, never the password.</summary>
    private static string Describe(string connectionString)
    {
        var parsed = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{parsed.Host}:{parsed.Port}/{parsed.Database}";
    }
}
