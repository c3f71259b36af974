using Sankofa.Core.Provisioning;

namespace Sankofa.Proxmox.Api;

/// <summary>
/// The Proxmox API answered with an error. Subclasses say which kind; as <see cref="ProvisioningException"/>s they carry
/// the <see cref="ProvisioningFailure"/> a reconciler acts on. The message is Proxmox's own (status line or body).
/// </summary>
public class ProxmoxApiException : ProvisioningException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">The kind of failure.</param>
    /// <param name="statusCode">HTTP status, or null when no answer came.</param>
    /// <param name="request">Method and path of the request, for example <c>POST /nodes/pve/qemu/9000/clone</c>.</param>
    /// <param name="message">Proxmox's message.</param>
    /// <param name="innerException">The transport error, if any.</param>
    public ProxmoxApiException(ProvisioningFailure failure, int? statusCode, string request, string message, Exception? innerException = null)
        : base(failure, $"{request}: {message}", innerException)
    {
        StatusCode = statusCode;
        Request = request;
        ProxmoxMessage = message;
    }

    /// <summary>HTTP status, or null when no answer came.</summary>
    public int? StatusCode { get; }

    /// <summary>Method and path of the failed request.</summary>
    public string Request { get; }

    /// <summary>Proxmox's message, without the request.</summary>
    public string ProxmoxMessage { get; }
}

/// <summary>The VM, node or task does not exist (Proxmox: "Configuration file … does not exist", "no such task").</summary>
public sealed class ProxmoxNotFoundException(int? statusCode, string request, string message)
    : ProxmoxApiException(ProvisioningFailure.NotFound, statusCode, request, message);

/// <summary>The VM is locked or busy ("VM 101 is locked (clone)", "can't lock file …"), or the id is taken.</summary>
public sealed class ProxmoxConflictException(int? statusCode, string request, string message)
    : ProxmoxApiException(ProvisioningFailure.Conflict, statusCode, request, message);

/// <summary>Authentication failed or permission was denied (401, 403).</summary>
public sealed class ProxmoxAuthenticationException(int? statusCode, string request, string message)
    : ProxmoxApiException(ProvisioningFailure.Unauthorized, statusCode, request, message);

/// <summary>Proxmox rejected parameters (400 "Parameter verification failed."); <see cref="ParameterErrors"/> names each one.</summary>
public sealed class ProxmoxValidationException(int? statusCode, string request, string message, IReadOnlyDictionary<string, string> parameterErrors)
    : ProxmoxApiException(ProvisioningFailure.InvalidRequest, statusCode, request, Describe(message, parameterErrors))
{
    /// <summary>Proxmox's message per rejected parameter.</summary>
    public IReadOnlyDictionary<string, string> ParameterErrors { get; } = parameterErrors;

    private static string Describe(string message, IReadOnlyDictionary<string, string> errors) =>
        errors.Count == 0 ? message : message + " " + string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value}"));
}

/// <summary>The cluster or node could not be reached or answered with a proxy or server-availability error (502–504, 595, 596, connection failures, request timeouts).</summary>
public sealed class ProxmoxUnavailableException(int? statusCode, string request, string message, Exception? innerException = null)
    : ProxmoxApiException(ProvisioningFailure.Unavailable, statusCode, request, message, innerException);

/// <summary>A worker task ended with an exit status other than OK.</summary>
public sealed class ProxmoxTaskFailedException(string upid, string exitStatus)
    : ProvisioningException(ProvisioningFailure.OperationFailed, $"Task {upid} failed: {exitStatus}")
{
    /// <summary>The task's UPID.</summary>
    public string Upid { get; } = upid;

    /// <summary>Proxmox's exit status of the task.</summary>
    public string ExitStatus { get; } = exitStatus;
}

/// <summary>A worker task was still running when the wait for it ended; it may still finish.</summary>
public sealed class ProxmoxTaskTimeoutException(string upid, TimeSpan waited)
    : ProvisioningException(ProvisioningFailure.TimedOut, $"Task {upid} still running after {waited.TotalSeconds:0.#} s")
{
    /// <summary>The task's UPID.</summary>
    public string Upid { get; } = upid;
}
