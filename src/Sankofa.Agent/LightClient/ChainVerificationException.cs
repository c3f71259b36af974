namespace Sankofa.Agent.LightClient;

/// <summary>
/// A value read from the chain could not be proven: a header whose hash or seals do not check, a header chain that
/// does not link to the trusted checkpoint, or a state proof that does not lead from the block's state root to the
/// value claimed. The agent acts on no such value.
/// </summary>
public sealed class ChainVerificationException : Exception
{
    /// <summary>Creates the exception with the reason the value was refused.</summary>
    public ChainVerificationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the reason and the error that revealed it.</summary>
    public ChainVerificationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a reason (prefer the constructors that give one).</summary>
    public ChainVerificationException()
    {
    }
}
