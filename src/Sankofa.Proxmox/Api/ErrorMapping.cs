using System.Net;
using Sankofa.Core.Provisioning;

namespace Sankofa.Proxmox.Api;

/// <summary>
/// Turns Proxmox's answers into typed exceptions. Proxmox reports most handler failures as HTTP 500 with the message in
/// the status line, so the kind comes from the status where it is telling (400, 401, 403, 5xx proxy errors) and from
/// Proxmox's wording otherwise.
/// </summary>
internal static class ErrorMapping
{
    public static ProxmoxApiException FromResponse(int status, string request, string message, IReadOnlyDictionary<string, string> parameterErrors)
    {
        if (status == (int)HttpStatusCode.BadRequest)
        {
            // nextid answers a taken id as a parameter error, but it is a conflict for the caller.
            return parameterErrors.Values.Any(e => e.Contains("already exists", StringComparison.Ordinal))
                ? new ProxmoxConflictException(status, request, string.Join("; ", parameterErrors.Values))
                : new ProxmoxValidationException(status, request, message, parameterErrors);
        }

        if (status is 401 or 403)
        {
            return new ProxmoxAuthenticationException(status, request, message);
        }

        if (status is 502 or 503 or 504 or 595 or 596)
        {
            return new ProxmoxUnavailableException(status, request, message);
        }

        if (status == 404 || Contains(message, "does not exist", "no such task", "no such VM", "not found"))
        {
            return new ProxmoxNotFoundException(status, request, message);
        }

        if (Contains(message, "is locked", "can't lock file", "already exists", "got lock request timeout", "detected modified configuration"))
        {
            return new ProxmoxConflictException(status, request, message);
        }

        if (Contains(message, "hostname lookup", "No route to host", "Connection refused", "Connection timed out"))
        {
            return new ProxmoxUnavailableException(status, request, message);
        }

        if (status == 501)
        {
            return new ProxmoxApiException(ProvisioningFailure.InvalidRequest, status, request, message);
        }

        return new ProxmoxApiException(ProvisioningFailure.OperationFailed, status, request, message);
    }

    private static bool Contains(string message, params string[] fragments) =>
        fragments.Any(f => message.Contains(f, StringComparison.OrdinalIgnoreCase));
}
