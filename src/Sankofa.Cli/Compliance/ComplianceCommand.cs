using System.CommandLine;

namespace Sankofa.Cli.Compliance;

/// <summary><c>sankofa compliance …</c>: the group; each concern adds its subcommands from a file of its own.</summary>
internal static class ComplianceCommand
{
    public static Command Create()
    {
        var compliance = new Command("compliance", "Compliance: data residency, personal data (export, erase) and the evidence kept for auditors.")
        {
            ResidencyCommands.Create(),
            EvidenceCommands.Create(),
        };
        foreach (var command in PersonalDataCommands.Create())
        {
            compliance.Subcommands.Add(command);
        }

        return compliance;
    }
}
