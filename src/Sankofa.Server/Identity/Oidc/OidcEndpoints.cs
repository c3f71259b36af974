using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Ledger;
using Sankofa.Server.Hosting;
using Sankofa.Server.Identity.Accounts;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Sankofa.Server.Identity.Oidc;

/// <summary>
/// The embedded issuer's own endpoints, behind OpenIddict (which validates every protocol request first): the
/// authorization endpoint (sign-in, then a code), the token endpoint (codes, device codes, refresh tokens and client
/// credentials become tokens), the device verification pages, the sign-in and password-change forms, and sign-out.
/// Every token is made by <see cref="PrincipalForAsync"/>: only for an account that exists, is active here, needs no
/// password change, and that the chain says is active; with its current roles.
/// </summary>
internal static partial class OidcEndpoints
{
    /// <summary>The cookie that remembers a browser's sign-in at the issuer (not an API credential).</summary>
    public const string SignInScheme = "Sankofa.SignIn";

    public static IEndpointRouteBuilder MapOidcEndpoints(this IEndpointRouteBuilder app)
    {
        // The issuer's own endpoints authenticate by themselves (client secrets, codes, the sign-in cookie).
        var connect = app.MapGroup("/connect").ExcludeFromDescription().AllowAnonymous();
        connect.MapMethods("/authorize", ["GET", "POST"], (Delegate)AuthorizeAsync);
        connect.MapPost("/token", TokenAsync);
        connect.MapGet("/verify", VerifyFormAsync);
        connect.MapPost("/verify", VerifyAsync);
        connect.MapGet("/verify/done", () => SignInPages.Message("Device approved", "The device is signed in. You can close this page."));
        connect.MapGet("/signed-in", () => SignInPages.Message("Signed in", "You are signed in to Sankofa."));
        connect.MapGet("/login", LoginFormAsync);
        connect.MapPost("/login", LoginAsync).RequireRateLimiting(PasswordRateLimit.Policy);
        connect.MapPost("/password", ChangePasswordAsync).RequireRateLimiting(PasswordRateLimit.Policy);
        connect.MapMethods("/logout", ["GET", "POST"], (Delegate)LogoutAsync);
        return app;
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext http, [FromServices] IAccountDirectory accounts, [FromServices] IIdentityStatusCheck chain)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var session = await http.AuthenticateAsync(SignInScheme);
        if (!session.Succeeded || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.LoginRequired, "The user is not signed in.");
            }

            // Back here after sign-in with the same parameters, minus the prompt that asked for it.
            var parameters = request.GetParameters()
                .Where(p => p.Key != Parameters.Prompt)
                .Select(p => KeyValuePair.Create(p.Key, (string?)p.Value.ToString()));
            return Results.Redirect("/connect/login?returnUrl=" + Uri.EscapeDataString("/connect/authorize" + QueryString.Create(parameters)));
        }

        var principal = await PrincipalForAsync(session.Principal.FindFirstValue(Claims.Subject)!, request.GetScopes(), accounts, chain, http.RequestAborted);
        return principal.Error is { } error
            ? Refuse(Errors.AccessDenied, error)
            : Results.SignIn(principal.Principal!, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> TokenAsync(HttpContext http, [FromServices] IAccountDirectory accounts, [FromServices] IIdentityStatusCheck chain)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        string subject;
        IEnumerable<string> scopes;
        if (request.IsClientCredentialsGrantType())
        {
            // OpenIddict has authenticated the client by its secret; a service account's client id is its account id
            // (or, for a bootstrap client, its name).
            subject = (await accounts.GetClientAsync(request.ClientId!, http.RequestAborted))?.Id ?? request.ClientId!;
            scopes = request.GetScopes();
        }
        else
        {
            // A code, device code or refresh token: OpenIddict has checked it; its principal says who it was issued to.
            var granted = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            subject = granted.Principal?.GetClaim(Claims.Subject) ?? string.Empty;
            scopes = granted.Principal?.GetScopes() ?? [];
        }

        var principal = await PrincipalForAsync(subject, scopes, accounts, chain, http.RequestAborted);
        return principal.Error is { } error
            ? Refuse(principal.Unavailable ? Errors.TemporarilyUnavailable : Errors.InvalidGrant, error)
            : Results.SignIn(principal.Principal!, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> VerifyFormAsync(HttpContext http, IAntiforgery antiforgery)
    {
        if (!(await http.AuthenticateAsync(SignInScheme)).Succeeded)
        {
            return Results.Redirect("/connect/login?returnUrl=" + Uri.EscapeDataString("/connect/verify" + http.Request.QueryString));
        }

        // With a user code in the query, OpenIddict has looked it up: a principal means it is valid and pending.
        var code = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var userCode = http.Request.Query[Parameters.UserCode].ToString();
        return SignInPages.Device(antiforgery.GetAndStoreTokens(http), userCode, code.Principal?.GetClaim(Claims.ClientId),
            // OpenIddict's lookup can succeed without finding a request: only a client behind the code makes it a known one.
            string.IsNullOrEmpty(userCode) || code.Principal?.GetClaim(Claims.ClientId) is not null ? null : "That code is unknown or has expired.");
    }

    private static async Task<IResult> VerifyAsync(HttpContext http, IAntiforgery antiforgery, [FromServices] IAccountDirectory accounts, [FromServices] IIdentityStatusCheck chain)
    {
        if (await FormAsync(http, antiforgery) is not { } form)
        {
            return SignInPages.Message("Expired form", "The form expired. Go back and try again.", StatusCodes.Status400BadRequest);
        }

        var session = await http.AuthenticateAsync(SignInScheme);
        if (!session.Succeeded)
        {
            // The session ended (signed out, or the identity changed since): sign in again, then approve.
            return Results.Redirect("/connect/login?returnUrl=" + Uri.EscapeDataString("/connect/verify" + QueryString.Create(Parameters.UserCode, form["user_code"].ToString())));
        }

        var code = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (code.Principal is null)
        {
            return SignInPages.Device(antiforgery.GetAndStoreTokens(http), form["user_code"].ToString(), null, "That code is unknown or has expired.");
        }

        if (form["decision"] != "approve")
        {
            return Results.Forbid(new AuthenticationProperties { RedirectUri = "/connect/verify/done" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var principal = await PrincipalForAsync(session.Principal!.FindFirstValue(Claims.Subject)!, code.Principal.GetScopes(), accounts, chain, http.RequestAborted);
        return principal.Error is { } error
            ? SignInPages.Message("Not allowed", error, StatusCodes.Status403Forbidden)
            : Results.SignIn(principal.Principal!, new AuthenticationProperties { RedirectUri = "/connect/verify/done" }, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult LoginFormAsync(HttpContext http, IAntiforgery antiforgery, string? returnUrl) =>
        SignInPages.Login(antiforgery.GetAndStoreTokens(http), Local(returnUrl), userName: null, error: null);

    private static async Task<IResult> LoginAsync(HttpContext http, IAntiforgery antiforgery, [FromServices] IAccountDirectory accounts, ILoggerFactory loggers)
    {
        if (await FormAsync(http, antiforgery) is not { } form)
        {
            return SignInPages.Message("Expired form", "The sign-in form expired. Go back and try again.", StatusCodes.Status400BadRequest);
        }

        var userName = form["username"].ToString().Trim();
        var returnUrl = Local(form["returnUrl"]);
        var tokens = antiforgery.GetAndStoreTokens(http);
        if (userName.Length == 0 || form["password"].ToString().Length == 0)
        {
            return SignInPages.Login(tokens, returnUrl, userName, "Enter your user name and password.", StatusCodes.Status400BadRequest);
        }

        var check = await accounts.CheckPasswordAsync(userName, form["password"].ToString(), http.RequestAborted, ClientAddress.Of(http));
        Log.SignIn(loggers.CreateLogger(typeof(OidcEndpoints)), check.Outcome);
        switch (check.Outcome)
        {
            case PasswordCheckOutcome.Succeeded:
                await SignInAsync(http, check.Account!);
                return Results.LocalRedirect(returnUrl);
            case PasswordCheckOutcome.MustChangePassword:
                return SignInPages.ChangePassword(tokens, returnUrl, userName, null);
            case PasswordCheckOutcome.Throttled:
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling((check.RetryAfter ?? TimeSpan.FromMinutes(1)).TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return SignInPages.Login(tokens, returnUrl, userName, "Too many failed attempts. Wait a while before trying again.", StatusCodes.Status429TooManyRequests);
            case PasswordCheckOutcome.NotActive:
                return SignInPages.Login(tokens, returnUrl, userName, "This account is suspended or revoked.", StatusCodes.Status403Forbidden);
            default:
                return SignInPages.Login(tokens, returnUrl, userName, "The user name or password is wrong.", StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<IResult> ChangePasswordAsync(HttpContext http, IAntiforgery antiforgery, [FromServices] IAccountDirectory accounts)
    {
        if (await FormAsync(http, antiforgery) is not { } form)
        {
            return SignInPages.Message("Expired form", "The form expired. Go back and try again.", StatusCodes.Status400BadRequest);
        }

        var userName = form["username"].ToString().Trim();
        var returnUrl = Local(form["returnUrl"]);
        var tokens = antiforgery.GetAndStoreTokens(http);
        if (form["newPassword"] != form["confirmPassword"])
        {
            return SignInPages.ChangePassword(tokens, returnUrl, userName, "The new passwords differ.", StatusCodes.Status400BadRequest);
        }

        var check = await accounts.ChangePasswordAsync(
            userName, form["currentPassword"].ToString(), form["newPassword"].ToString(), http.RequestAborted, ClientAddress.Of(http));
        switch (check.Outcome)
        {
            case PasswordCheckOutcome.Succeeded:
                await SignInAsync(http, check.Account!);
                return Results.LocalRedirect(returnUrl);
            case PasswordCheckOutcome.WeakPassword:
                return SignInPages.ChangePassword(tokens, returnUrl, userName, "The new password must have at least 12 characters and differ from the user name and the old password.", StatusCodes.Status400BadRequest);
            case PasswordCheckOutcome.Throttled:
                return SignInPages.ChangePassword(tokens, returnUrl, userName, "Too many failed attempts. Wait a while before trying again.", StatusCodes.Status429TooManyRequests);
            default:
                return SignInPages.ChangePassword(tokens, returnUrl, userName, "The current password is wrong.", StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<IResult> LogoutAsync(HttpContext http)
    {
        await http.SignOutAsync(SignInScheme);
        return http.GetOpenIddictServerRequest() is not null
            ? Results.SignOut(new AuthenticationProperties { RedirectUri = "/connect/login" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme])
            : Results.LocalRedirect("/connect/login");
    }

    /// <summary>
    /// The principal a token is made from, or why none may be: the account must exist, be active and need no password
    /// change here, and the chain must say it is active now. Roles are read afresh, so a refresh picks up changes.
    /// </summary>
    internal static async Task<(ClaimsPrincipal? Principal, string? Error, bool Unavailable)> PrincipalForAsync(
        string subject, IEnumerable<string> scopes, IAccountDirectory accounts, IIdentityStatusCheck chain, CancellationToken cancellationToken)
    {
        var account = string.IsNullOrEmpty(subject) ? null : await accounts.GetAsync(subject, cancellationToken);
        if (account is null || account.Status != IdentityStatus.Active)
        {
            return (null, "The account does not exist or is not active.", false);
        }

        if (account.MustChangePassword)
        {
            return (null, "The password must be changed first.", false);
        }

        try
        {
            if (await chain.GetStatusAsync(account.Id, cancellationToken) != IdentityStatus.Active)
            {
                return (null, "The chain does not list this identity as active.", false);
            }
        }
        catch (LedgerUnavailableException)
        {
            return (null, "The chain cannot be read now, so the identity's status cannot be checked. Try again shortly.", true);
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, account.Id)
            .SetClaim(Claims.Name, account.Name)
            .SetClaims(Claims.Role, [.. account.Roles.Select(r => r.ToClaim())]);
        identity.SetScopes(scopes.Intersect([Scopes.OpenId, Scopes.Profile, Scopes.OfflineAccess, OidcOptions.ApiScope], StringComparer.Ordinal));
        identity.SetResources(OidcOptions.ApiAudience);
        identity.SetDestinations(claim => claim.Type is Claims.Name or Claims.Role
            ? [Destinations.AccessToken, Destinations.IdentityToken]
            : [Destinations.AccessToken]);
        return (new ClaimsPrincipal(identity), null, false);
    }

    private static Task SignInAsync(HttpContext http, Account account)
    {
        var identity = new ClaimsIdentity(SignInScheme, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, account.Id));
        identity.AddClaim(new Claim(Claims.Name, account.Name));
        identity.AddClaim(SessionVersion.Claim(account));
        return http.SignInAsync(SignInScheme, new ClaimsPrincipal(identity));
    }

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    /// <summary>The posted form, or null when its anti-forgery token is missing or wrong (a cross-site post).</summary>
    private static async Task<IFormCollection?> FormAsync(HttpContext http, IAntiforgery antiforgery)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(http);
            return await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (AntiforgeryValidationException)
        {
            return null;
        }
    }

    private static string Local(string? returnUrl) => LocalReturnUrl.IsLocal(returnUrl) ? returnUrl! : "/connect/signed-in";

    private static partial class Log
    {
        // The outcome only: user names, passwords and tokens are never logged.
        [LoggerMessage(EventId = 93, Level = LogLevel.Information, Message = "Sign-in attempt: {Outcome}")]
        public static partial void SignIn(ILogger logger, PasswordCheckOutcome outcome);
    }
}
