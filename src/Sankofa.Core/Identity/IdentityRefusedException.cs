namespace Sankofa.Core.Identity;

/// <summary>Why the IdentityRegistry contract refused a write, one value per contract error.</summary>
public enum IdentityRefusal
{
    /// <summary>The contract's reason could not be decoded; the message carries what the node said.</summary>
    Other = 0,

    /// <summary><c>UnknownIdentity</c>: the identity was never registered.</summary>
    UnknownIdentity,

    /// <summary><c>AlreadyRegistered</c>: the identity is registered with another subject hash or controller.</summary>
    AlreadyRegistered,

    /// <summary><c>ControllerInUse</c>: the controller address belongs to another identity.</summary>
    ControllerInUse,

    /// <summary><c>IdentityRevoked</c>: the identity is revoked and can never change again nor be registered anew.</summary>
    Revoked,

    /// <summary><c>AccessControlUnauthorizedAccount</c>: the signing key lacks the role the call needs.</summary>
    Unauthorized,

    /// <summary><c>ZeroValue</c>: a zero id, hash, address or role.</summary>
    InvalidValue,
}

/// <summary>The IdentityRegistry contract refused a write; nothing was recorded. <see cref="Reason"/> says why, the message names the contract's error.</summary>
public sealed class IdentityRefusedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public IdentityRefusedException() { }

    /// <summary>Creates the exception with a message.</summary>
    public IdentityRefusedException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the cause.</summary>
    public IdentityRefusedException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for a decoded refusal.</summary>
    /// <param name="reason">Why the contract refused.</param>
    /// <param name="message">What was refused and why, naming the contract's error.</param>
    /// <param name="innerException">The node's answer, if any.</param>
    public IdentityRefusedException(IdentityRefusal reason, string message, Exception? innerException)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Why the contract refused.</summary>
    public IdentityRefusal Reason { get; }
}
