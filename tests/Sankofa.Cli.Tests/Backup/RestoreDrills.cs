namespace Sankofa.Cli.Tests.Backup;

/// <summary>
/// The restore drills (each several server processes, a chain and a database cluster of its own) run one after another:
/// side by side with each other and with the server tests they overloaded the two cores until processes missed deadlines.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RestoreDrills
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Restore drills";
}
