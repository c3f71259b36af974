using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Sankofa.Core;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;
using Sankofa.Server.Hosting;
using Sankofa.Server.Identity.Access;
using Sankofa.Server.Provisioning;

namespace Sankofa.Server.Identity.Accounts;

/// <summary>
/// Users and service accounts over REST: create (secrets shown once), list, show (with what the chain holds), suspend,
/// reinstate, revoke, grant and take roles, change a password. Platform-wide holders of identities.read/write see and
/// manage every identity; a tenant-scoped holder only the identities whose every role is within its tenants (so it
/// never sees another tenant's grants, nor touches a platform administrator or a member of another tenant), and hands
/// out only roles within its tenants. An identity the caller may not see answers 404, as a missing one.
/// </summary>
internal static class AccountsApi
{
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/identities").WithTags("Identity");
        api.MapPost("/users", CreateUserAsync).WithName("CreateUserIdentity").Requires(Permission.IdentitiesWrite)
            .WithSummary("Creates a user; without a password one is generated. Returns the password (if generated) and the controller's private key once.");
        api.MapPost("/services", CreateServiceAsync).WithName("CreateServiceIdentity").Requires(Permission.IdentitiesWrite)
            .WithSummary("Creates a service account (client credentials). Returns its client secret and the controller's private key once.");
        api.MapGet("/", ListAsync).WithName("ListIdentities").Requires(Permission.IdentitiesRead)
            .WithSummary("Lists identities newest first, filtered by kind, status or tenant scope and paged by the 'before' cursor.");
        api.MapGet("/{id}", GetAsync).WithName("GetIdentity").Requires(Permission.IdentitiesRead)
            .WithSummary("One identity: roles, status here and on chain, controller, DID and the chain steps recorded or waiting.");
        api.MapPost("/{id}/suspend", SuspendAsync).WithName("SuspendIdentity").Requires(Permission.IdentitiesWrite).WithSummary("Suspends an active identity; recorded on chain.");
        api.MapPost("/{id}/reinstate", ReinstateAsync).WithName("ReinstateIdentity").Requires(Permission.IdentitiesWrite).WithSummary("Reinstates a suspended identity; recorded on chain.");
        api.MapPost("/{id}/revoke", RevokeAsync).WithName("RevokeIdentity").Requires(Permission.IdentitiesWrite).WithSummary("Revokes an identity for good; recorded on chain.");
        api.MapPost("/{id}/roles", GrantRoleAsync).WithName("GrantIdentityRole").Requires(Permission.IdentitiesWrite).WithSummary("Grants a role within a scope; recorded on chain.");
        api.MapDelete("/{id}/roles", RevokeRoleAsync).WithName("RevokeIdentityRole").Requires(Permission.IdentitiesWrite)
            .WithSummary("Takes a role within a scope (query: role, scope); recorded on chain.");
        api.MapPost("/password", ChangePasswordAsync).WithName("ChangePassword").AllowAnonymous() // the current password is the credential
            .RequireRateLimiting(PasswordRateLimit.Policy)
            .WithSummary("Changes a user's password after checking the current one; throttled like sign-in.");
        return app;
    }

    private static async Task<Results<Created<CreatedIdentityResponse>, ProblemHttpResult>> CreateUserAsync(
        CreateUserBody? body, HttpContext context, AccountService accounts, ChainIdSource chainIds, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return ErrorProblems.Invalid(new() { ["body"] = ["A JSON body with userName and roles is required."] });
        }

        if (IdentityAccess.RolesRefusal(context.Caller(), body.Roles) is { } refused)
        {
            return refused.ToProblem();
        }

        var result = await accounts.CreateUserAsync(ProvisioningApi.Actor(context), body.UserName, body.Password, body.Roles, false, cancellationToken, body.Email, body.DisplayName);
        return result.Error is { } error ? error.ToProblem() : await CreatedAsync(result.Value!, chainIds, cancellationToken);
    }

    private static async Task<Results<Created<CreatedIdentityResponse>, ProblemHttpResult>> CreateServiceAsync(
        CreateServiceBody? body, HttpContext context, AccountService accounts, IServiceClientRegistry clients, ChainIdSource chainIds, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return ErrorProblems.Invalid(new() { ["body"] = ["A JSON body with clientId and roles is required."] });
        }

        if (IdentityAccess.RolesRefusal(context.Caller(), body.Roles) is { } refused)
        {
            return refused.ToProblem();
        }

        var result = await accounts.CreateServiceAsync(ProvisioningApi.Actor(context), body.ClientId, body.Roles, cancellationToken);
        if (result.Error is { } error)
        {
            return error.ToProblem();
        }

        // The issuer authenticates the client itself: its client id is the account id, its secret the one shown once.
        await clients.RegisterAsync(result.Value!.Account.Id, result.Value.Account.Name, result.Value.ClientSecret!, cancellationToken);
        return await CreatedAsync(result.Value, chainIds, cancellationToken);
    }

    private static async Task<Results<Ok<IdentityPageResponse>, ProblemHttpResult>> ListAsync(
        HttpContext context, IdentityQueries queries, ChainIdSource chainIds, CancellationToken cancellationToken,
        string? kind = null, string? status = null, string? tenantId = null, long? before = null, int? limit = null)
    {
        var result = await queries.ListAsync(context.RequiredCaller(), new IdentityListRequest(kind, status, tenantId, before, limit), cancellationToken);
        if (result.Error is { } error)
        {
            return error.ToProblem();
        }

        var chainId = await chainIds.GetAsync(cancellationToken);
        return TypedResults.Ok(new IdentityPageResponse([.. result.Value!.Items.Select(a => a.ToResponse(chainId))], result.Value.NextBefore));
    }

    private static async Task<Results<Ok<IdentityResponse>, ProblemHttpResult>> GetAsync(
        string id, HttpContext context, IdentityQueries queries, IIdentityLedger identities, ChainIdSource chainIds, Core.PersonalData.PersonalDataVault personalData,
        CancellationToken cancellationToken)
    {
        var result = await queries.GetAsync(context.RequiredCaller(), id, cancellationToken);
        if (result.Error is { } error)
        {
            return error.ToProblem();
        }

        var (account, steps) = result.Value!;
        OnChainIdentityResponse? onChain = null;
        string? chainError = null;
        var chainId = await chainIds.GetAsync(cancellationToken);
        try
        {
            onChain = (await identities.GetAsync(id, cancellationToken))?.ToResponse(account);
        }
        catch (LedgerUnavailableException ex)
        {
            // The store's view is still worth showing while the chain is away.
            chainError = ex.Message;
        }

        // Whoever may see the identity sees its personal fields, opened here; once erased they are gone.
        var personal = await personalData.ReadFieldsAsync(await personalData.GetKeyAsync(id, cancellationToken), cancellationToken);
        return TypedResults.Ok(account.ToResponse(chainId, steps) with { OnChain = onChain, OnChainError = chainError, Personal = personal });
    }

    private static async Task<Results<Ok<IdentityResponse>, ProblemHttpResult>> SuspendAsync(
        string id, HttpContext context, IdentityAccess access, IdentityStatusChanges changes, ChainIdSource chainIds, CancellationToken cancellationToken) =>
        await access.RefusalAsync(context.Caller(), id, null, cancellationToken) is { } refused
            ? refused.ToProblem()
            : await ChangedAsync(changes.SuspendAsync(ProvisioningApi.Actor(context), id, cancellationToken), chainIds, cancellationToken);

    private static async Task<Results<Ok<IdentityResponse>, ProblemHttpResult>> ReinstateAsync(
        string id, HttpContext context, IdentityAccess access, IdentityStatusChanges changes, ChainIdSource chainIds, CancellationToken cancellationToken) =>
        await access.RefusalAsync(context.Caller(), id, null, cancellationToken) is { } refused
            ? refused.ToProblem()
            : await ChangedAsync(changes.ReinstateAsync(ProvisioningApi.Actor(context), id, cancellationToken), chainIds, cancellationToken);

    private static async Task<Results<Ok<IdentityResponse>, ProblemHttpResult>> RevokeAsync(
        string id, HttpContext context, IdentityAccess access, IdentityStatusChanges changes, ChainIdSource chainIds, CancellationToken cancellationToken) =>
        await access.RefusalAsync(context.Caller(), id, null, cancellationToken) is { } refused
            ? refused.ToProblem()
            : await ChangedAsync(changes.RevokeAsync(ProvisioningApi.Actor(context), id, cancellationToken), chainIds, cancellationToken);

    private static async Task<Results<Ok<IdentityResponse>, ProblemHttpResult>> GrantRoleAsync(
        string id, RoleBody? body, HttpContext context, IdentityAccess access, ChainIdSource chainIds, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return ErrorProblems.Invalid(new() { ["body"] = ["A JSON body with role (and scope) is required."] });
        }

        return await ChangedAsync(access.GrantRoleAsync(context.Caller(), ProvisioningApi.Actor(context), id, body.Role, body.Scope, cancellationToken), chainIds, cancellationToken);
    }

    private static async Task<Results<Ok<IdentityResponse>, ProblemHttpResult>> RevokeRoleAsync(
        string id, HttpContext context, IdentityAccess access, ChainIdSource chainIds, CancellationToken cancellationToken,
        [FromQuery] string? role = null, [FromQuery] string? scope = null) =>
        await ChangedAsync(access.RevokeRoleAsync(context.Caller(), ProvisioningApi.Actor(context), id, role, scope, cancellationToken), chainIds, cancellationToken);

    private static async Task<Results<NoContent, ProblemHttpResult>> ChangePasswordAsync(
        ChangePasswordBody? body, AccountService accounts, IOptions<AccountOptions> options, HttpContext context, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (body is null)
        {
            return ErrorProblems.Invalid(new() { ["body"] = ["A JSON body with userName, currentPassword and newPassword is required."] });
        }

        if (string.IsNullOrWhiteSpace(body.UserName))
        {
            errors["userName"] = ["Required."];
        }

        if (string.IsNullOrEmpty(body.CurrentPassword))
        {
            errors["currentPassword"] = ["Required."];
        }

        if (AccountRules.PasswordProblem(body.NewPassword, body.UserName, options.Value.MinPasswordLength) is { } problem)
        {
            errors["newPassword"] = [problem];
        }
        else if (body.NewPassword == body.CurrentPassword)
        {
            errors["newPassword"] = ["Must differ from the current password."];
        }

        if (errors.Count > 0)
        {
            return ErrorProblems.Invalid(errors);
        }

        var check = await accounts.ChangePasswordAsync(body.UserName!, body.CurrentPassword!, body.NewPassword!, cancellationToken, ClientAddress.Of(context));
        switch (check.Outcome)
        {
            case PasswordCheckOutcome.Succeeded:
                return TypedResults.NoContent();
            case PasswordCheckOutcome.Throttled:
                var seconds = (int)Math.Ceiling(check.RetryAfter!.Value.TotalSeconds);
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return Problem(StatusCodes.Status429TooManyRequests, "Too many failed attempts.", $"Try again in {seconds} s.", "throttled");
            case PasswordCheckOutcome.NotActive:
                return Problem(StatusCodes.Status403Forbidden, "The identity is not active.",
                    $"Identity '{check.Account!.Id}' is {check.Account.Status.ToWord()}.", "notActive");
            case PasswordCheckOutcome.WeakPassword:
                return ErrorProblems.Invalid(new() { ["newPassword"] = ["Does not meet the password rules."] });
            default:
                // One answer for unknown users and wrong passwords, so it does not tell which names exist.
                return Problem(StatusCodes.Status401Unauthorized, "Wrong user name or password.", null, "invalidCredentials");
        }
    }

    private static async Task<Results<Created<CreatedIdentityResponse>, ProblemHttpResult>> CreatedAsync(
        CreatedAccount created, ChainIdSource chainIds, CancellationToken cancellationToken)
    {
        var chainId = await chainIds.GetAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/identities/{created.Account.Id}",
            new CreatedIdentityResponse(created.Account.ToResponse(chainId), created.ControllerPrivateKey, created.Password, created.ClientSecret));
    }

    private static async Task<Results<Ok<IdentityResponse>, ProblemHttpResult>> ChangedAsync(
        Task<Result<StoredAccount>> change, ChainIdSource chainIds, CancellationToken cancellationToken)
    {
        var result = await change;
        return result.Error is { } error ? error.ToProblem() : TypedResults.Ok(result.Value!.ToResponse(await chainIds.GetAsync(cancellationToken)));
    }

    private static ProblemHttpResult Problem(int status, string title, string? detail, string code)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        problem.Extensions["code"] = code;
        return TypedResults.Problem(problem);
    }
}
