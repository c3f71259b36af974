using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core.Identity;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;
using Sankofa.Server.Identity.Access;
using Sankofa.Server.Provisioning;

namespace Sankofa.Server.Tenancy;

/// <summary>
/// Tenants and projects with their quotas and usage over REST. A caller sees only the tenants its roles are in; another
/// tenant, and its projects, answer 404 exactly as missing ones.
/// </summary>
internal static class TenancyApi
{
    public static IEndpointRouteBuilder MapTenancyApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Tenancy");
        api.MapPost("/tenants", CreateTenantAsync).WithName("CreateTenant").Requires(Permission.TenantsWrite)
            .WithSummary("Creates a tenant with its quota (platform administrators).");
        api.MapGet("/tenants", ListTenantsAsync).WithName("ListTenants").Requires(Permission.TenantsRead)
            .WithSummary("The tenants the caller may see, with quota and usage.");
        api.MapGet("/tenants/{id}", GetTenantAsync).WithName("GetTenant").Requires(Permission.TenantsRead)
            .WithSummary("One tenant with quota and usage.");
        api.MapPost("/tenants/{tenantId}/projects", CreateProjectAsync).WithName("CreateProject").Requires(Permission.ProjectsWrite)
            .WithSummary("Creates a project of a tenant with its quota.");
        api.MapGet("/tenants/{tenantId}/projects", ListProjectsAsync).WithName("ListProjects").Requires(Permission.TenantsRead)
            .WithSummary("A tenant's projects with quota and usage.");
        api.MapGet("/projects/{id}", GetProjectAsync).WithName("GetProject").Requires(Permission.TenantsRead)
            .WithSummary("One project with quota and usage.");
        return app;
    }

    private static async Task<Results<Created<TenantResponse>, ProblemHttpResult>> CreateTenantAsync(
        CreateTenancyBody? body, HttpContext context, TenancyService tenancy, CancellationToken cancellationToken)
    {
        if (body?.Quota is null)
        {
            return ProvisioningProblems.Invalid(new() { [body is null ? "body" : "quota"] = ["Required."] });
        }

        var result = await tenancy.CreateTenantAsync(ProvisioningApi.Actor(context), body.Id, body.Name, body.Quota.ToTotals(), cancellationToken);
        return result.Error is { } error ? error.ToProblem() : TypedResults.Created($"/api/v1/tenants/{result.Value!.Id}", TenantResponse.From(result.Value));
    }

    private static async Task<Ok<List<TenantResponse>>> ListTenantsAsync(HttpContext context, IProvisioningStore store, CancellationToken cancellationToken)
    {
        var visible = TenantAccess.Tenants(context, Permission.TenantsRead);
        return TypedResults.Ok((await store.ListTenantsAsync(cancellationToken)).Where(t => visible is null || visible.Contains(t.Id)).Select(TenantResponse.From).ToList());
    }

    private static async Task<Results<Ok<TenantResponse>, ProblemHttpResult>> GetTenantAsync(
        string id, HttpContext context, IProvisioningStore store, CancellationToken cancellationToken)
    {
        var missing = ProvisioningError.NotFound("id", $"There is no tenant '{id}'.");
        if (await store.GetTenantAsync(id, cancellationToken) is not { } tenant)
        {
            return missing.ToProblem();
        }

        return TenantAccess.Deny(context, Permission.TenantsRead, tenant.Id, missing) is { } denied ? denied : TypedResults.Ok(TenantResponse.From(tenant));
    }

    private static async Task<Results<Created<ProjectResponse>, ProblemHttpResult>> CreateProjectAsync(
        string tenantId, CreateTenancyBody? body, HttpContext context, TenancyService tenancy, CancellationToken cancellationToken)
    {
        if (body?.Quota is null)
        {
            return ProvisioningProblems.Invalid(new() { [body is null ? "body" : "quota"] = ["Required."] });
        }

        // A tenant the caller cannot see answers as the service answers a missing one.
        if (TenantAccess.Deny(context, Permission.ProjectsWrite, tenantId, ProvisioningError.NotFound("tenantId", $"There is no tenant '{tenantId}'.")) is { } denied)
        {
            return denied;
        }

        var result = await tenancy.CreateProjectAsync(ProvisioningApi.Actor(context), tenantId, body.Id, body.Name, body.Quota.ToTotals(), cancellationToken);
        return result.Error is { } error ? error.ToProblem() : TypedResults.Created($"/api/v1/projects/{result.Value!.Id}", ProjectResponse.From(result.Value));
    }

    private static async Task<Results<Ok<List<ProjectResponse>>, ProblemHttpResult>> ListProjectsAsync(
        string tenantId, HttpContext context, IProvisioningStore store, CancellationToken cancellationToken)
    {
        var missing = ProvisioningError.NotFound("tenantId", $"There is no tenant '{tenantId}'.");
        if (TenantAccess.Deny(context, Permission.TenantsRead, tenantId, missing) is { } denied)
        {
            return denied;
        }

        if (await store.GetTenantAsync(tenantId, cancellationToken) is null)
        {
            return missing.ToProblem();
        }

        return TypedResults.Ok((await store.ListProjectsAsync(tenantId, cancellationToken)).Select(ProjectResponse.From).ToList());
    }

    private static async Task<Results<Ok<ProjectResponse>, ProblemHttpResult>> GetProjectAsync(
        string id, HttpContext context, IProvisioningStore store, CancellationToken cancellationToken)
    {
        var missing = ProvisioningError.NotFound("id", $"There is no project '{id}'.");
        if (await store.GetProjectAsync(id, cancellationToken) is not { } project)
        {
            return missing.ToProblem();
        }

        return TenantAccess.Deny(context, Permission.TenantsRead, project.TenantId, missing) is { } denied ? denied : TypedResults.Ok(ProjectResponse.From(project));
    }
}
