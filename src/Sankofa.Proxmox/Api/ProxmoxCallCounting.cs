namespace Sankofa.Proxmox.Api;

/// <summary>How a call to a Proxmox VE API ended, as <see cref="IProxmoxCallObserver"/> is told.</summary>
public enum ProxmoxCallOutcome
{
    /// <summary>A 2xx answer.</summary>
    Success,

    /// <summary>A 4xx answer (refused, not found, bad parameters, authentication).</summary>
    ClientError,

    /// <summary>A 5xx answer (the hypervisor failed the call).</summary>
    ServerError,

    /// <summary>No HTTP answer: the connection failed, timed out or was given up.</summary>
    Unreachable,
}

/// <summary>
/// Told about every HTTP call the Proxmox clients make (ticket logins included), for a host's metrics. Called on the
/// provisioning hot path (some ten calls per VM): an implementation must do no more than bump a counter.
/// </summary>
public interface IProxmoxCallObserver
{
    /// <summary>One call ended.</summary>
    /// <param name="method">Its HTTP method.</param>
    /// <param name="outcome">How it ended.</param>
    void Called(HttpMethod method, ProxmoxCallOutcome outcome);
}

/// <summary>Reports each call going through it to an <see cref="IProxmoxCallObserver"/>; sits right in front of the transport.</summary>
internal sealed class ProxmoxCallCounting(IProxmoxCallObserver observer, HttpMessageHandler transport) : DelegatingHandler(transport)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            observer.Called(request.Method, ProxmoxCallOutcome.Unreachable);
            throw;
        }

        var status = (int)response.StatusCode;
        observer.Called(request.Method, status < 400 ? ProxmoxCallOutcome.Success : status < 500 ? ProxmoxCallOutcome.ClientError : ProxmoxCallOutcome.ServerError);
        return response;
    }
}
