using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using Sankofa.Server.Identity.Access;
using Sankofa.Server.Identity.Oidc;

namespace Sankofa.Server.Portal;

/// <summary>
/// Once the server listens, tells the embedded issuer where the portal is: its sign-in and sign-out callbacks at every
/// address the server listens on (with <c>localhost</c> beside loopback IPs, as people type either), at
/// <see cref="PortalOptions.PublicUrl"/>, and at <c>Oidc:PortalRedirectUris</c>. Nothing to do with an external issuer:
/// the portal client is then set up there.
/// </summary>
internal sealed class PortalClientRegistrar(
    IServer server, IServiceScopeFactory scopes, IOptions<PortalOptions> portal, IOptions<OidcOptions> oidc, IOptions<AuthOptions> auth)
    : IHostedLifecycleService
{
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        if (auth.Value.Authority is not null)
        {
            return;
        }

        var bases = PortalAddresses.Listening(server).Concat(portal.Value.PublicUrl is { } url ? [url] : []).SelectMany(WithLocalhost).Distinct().ToList();
        await using var scope = scopes.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        await OidcClientSeeder.UpsertAsync(applications, OidcClientSeeder.PortalClient(
            bases.Select(b => new Uri(b, PortalAuthentication.CallbackPath)).Concat(oidc.Value.PortalRedirectUris),
            bases.Select(b => new Uri(b, PortalAuthentication.SignedOutCallbackPath)).Concat(oidc.Value.PortalPostLogoutRedirectUris)), cancellationToken);
    }

    private static IEnumerable<Uri> WithLocalhost(Uri address)
    {
        yield return address;
        if (address.IsLoopback && address.Host != "localhost")
        {
            yield return new UriBuilder(address) { Host = "localhost" }.Uri;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
