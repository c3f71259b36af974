namespace Sankofa.Core.Provisioning;

/// <summary>What kind of failure a hypervisor operation met, which tells a reconciler what to do next.</summary>
public enum ProvisioningFailure
{
    /// <summary>The VM, node or template does not exist: recreate or forget it.</summary>
    NotFound,

    /// <summary>The VM is locked by another operation or the id is taken: wait and retry, or allocate another id.</summary>
    Conflict,

    /// <summary>The credentials were refused: retrying will not help until the configuration changes.</summary>
    Unauthorized,

    /// <summary>The request was invalid (a parameter the hypervisor rejected): a bug or bad input, do not retry.</summary>
    InvalidRequest,

    /// <summary>The hypervisor or a node could not be reached or answered with a server error: retry later.</summary>
    Unavailable,

    /// <summary>The hypervisor accepted the operation but its task failed.</summary>
    OperationFailed,

    /// <summary>The operation did not finish in time; it may still finish, so look before retrying.</summary>
    TimedOut,
}

/// <summary>A hypervisor operation failed; <see cref="Failure"/> classifies it.</summary>
public class ProvisioningException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">The kind of failure.</param>
    /// <param name="message">What failed, in the hypervisor's words where it gave some.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public ProvisioningException(ProvisioningFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    /// <summary>The kind of failure.</summary>
    public ProvisioningFailure Failure { get; }

    /// <summary>Whether retrying the same call later can succeed without a change on Sankofa's side.</summary>
    public bool IsTransient => Failure is ProvisioningFailure.Conflict or ProvisioningFailure.Unavailable or ProvisioningFailure.TimedOut;
}
