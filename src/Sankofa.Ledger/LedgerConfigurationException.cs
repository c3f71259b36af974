namespace Sankofa.Ledger;

/// <summary>
/// The ledger cannot start with the configuration it was given: the chain is unreachable, reports another chain id,
/// lacks the configured contract, or the keystore cannot be opened. The message names the setting to fix.
/// </summary>
public sealed class LedgerConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LedgerConfigurationException() { }

    /// <summary>Creates the exception with a message.</summary>
    public LedgerConfigurationException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the cause.</summary>
    public LedgerConfigurationException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for a setting, which the message names first.</summary>
    /// <param name="setting">Configuration key, for example <c>Ledger:RpcUrl</c>.</param>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="innerException">The cause, if any.</param>
    public LedgerConfigurationException(string setting, string message, Exception? innerException)
        : base($"{setting}: {message}", innerException)
    {
        Setting = setting;
    }

    /// <summary>The configuration key to fix, for example <c>Ledger:ChainId</c>.</summary>
    public string? Setting { get; }
}
