namespace Sankofa.Cli.Backup;

/// <summary>A backup or restore that cannot go on, with a message for the operator (printed without a stack trace).</summary>
internal sealed class BackupException(string message) : Exception(message);
