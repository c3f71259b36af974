namespace Sankofa.Agent.LightClient;

/// <summary>The chain's JSON-RPC endpoint could not be read: unreachable, too slow, or it answered with an error.</summary>
public sealed class ChainRpcException : Exception
{
    /// <summary>Creates the exception with what failed.</summary>
    public ChainRpcException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with what failed and why.</summary>
    public ChainRpcException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a message (prefer the constructors that give one).</summary>
    public ChainRpcException()
    {
    }
}
