using System.Text.Json;

namespace Sankofa.Proxmox.Api;

/// <summary>
/// Ticket authentication: <c>POST /access/ticket</c> with user and password gives a ticket (sent as the
/// <c>PVEAuthCookie</c> cookie) and a CSRF token (sent as the <c>CSRFPreventionToken</c> header on writes). Tickets
/// live two hours; one is shared by all requests and renewed before it gets old.
/// </summary>
internal sealed class TicketSession(ProxmoxClient client, string username, string password, TimeSpan renewalAge, TimeProvider time)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Ticket? _current;

    public async Task<Ticket> GetAsync(bool renew, CancellationToken cancellationToken)
    {
        var seen = _current;
        if (!renew && seen is not null && time.GetUtcNow() - seen.IssuedAt < renewalAge)
        {
            return seen;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have logged in while this one waited.
            if (_current is not null && !ReferenceEquals(_current, seen) && time.GetUtcNow() - _current.IssuedAt < renewalAge)
            {
                return _current;
            }

            var parameters = new ProxmoxClient.Params { ["username"] = username, ["password"] = password };
            var data = await client.SendAsync(HttpMethod.Post, "access/ticket", parameters, cancellationToken, authenticate: false).ConfigureAwait(false);
            _current = new Ticket(Text(data, "ticket"), Text(data, "CSRFPreventionToken"), time.GetUtcNow());
            return _current;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string Text(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.GetString() is { Length: > 0 } text
            ? text
            : throw new ProxmoxAuthenticationException(200, "POST /access/ticket", $"the answer has no {name}");

    internal sealed record Ticket(string Value, string CsrfToken, DateTimeOffset IssuedAt);
}
