using System.CommandLine;

namespace Sankofa.Cli.Compliance;

/// <summary><c>sankofa compliance …</c>: the group; each subject adds its subcommands from its own file.</summary>
internal static class ComplianceCommand
{
    public static Command Create() => new("compliance", "Compliance evidence: data residency and more.")
    {
        ResidencyCommands.Create(),
    };
}
