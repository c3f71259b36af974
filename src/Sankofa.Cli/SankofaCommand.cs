using System.CommandLine;
using Sankofa.Cli.Agent;
using Sankofa.Cli.Audit;
using Sankofa.Cli.Chain;
using Sankofa.Cli.Login;
using Sankofa.Cli.Sites;
using Sankofa.Cli.Up;
using Sankofa.Cli.Vm;

namespace Sankofa.Cli;

/// <summary>The <c>sankofa</c> command tree.</summary>
internal static class SankofaCommand
{
    /// <summary>Address of the server the client commands talk to, unless <c>--server</c> says otherwise.</summary>
    public static readonly Option<Uri?> Server = CreateServerOption();

    /// <summary>Output format for every command.</summary>
    public static readonly Option<OutputFormat> Output = new("--output", "-o")
    {
        Description = "Output format: text or json.",
        DefaultValueFactory = _ => OutputFormat.Text,
        Recursive = true,
    };

    private static Option<Uri?> CreateServerOption()
    {
        var option = UriOption.Create("--server", "Base URL of the Sankofa server (default: $SANKOFA_SERVER or http://127.0.0.1:8480).");
        option.DefaultValueFactory = _ => new Uri(Environment.GetEnvironmentVariable("SANKOFA_SERVER") ?? UpCommand.DefaultUrl);
        option.Recursive = true;
        return option;
    }

    public static RootCommand Create()
    {
        var root = new RootCommand("Sankofa: control plane of a sovereign multi-tier cloud with an on-chain audit trail.");
        root.Options.Add(Server);
        root.Options.Add(Output);
        root.Subcommands.Add(UpCommand.Create());
        root.Subcommands.Add(Replica.ServerCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(SitesCommand.Create());
        root.Subcommands.Add(VmCommand.Create());
        root.Subcommands.Add(AgentCommand.Create());
        root.Subcommands.Add(Gov.GovCommand.Create());
        root.Subcommands.Add(Billing.BillingCommand.Create());
        root.Subcommands.Add(Hardware.AssetsCommand.Create());
        root.Subcommands.Add(Sla.SlaCommand.Create());
        root.Subcommands.Add(ChainCommand.Create());
        root.Subcommands.Add(Compliance.ComplianceCommand.Create());
        root.Subcommands.Add(Backup.BackupCommand.Create());
        foreach (var command in LoginCommand.Create())
        {
            root.Subcommands.Add(command);
        }
        return root;
    }
}

/// <summary>How commands print results.</summary>
internal enum OutputFormat
{
    /// <summary>For people.</summary>
    Text,

    /// <summary>For scripts: one JSON document on standard output.</summary>
    Json,
}
