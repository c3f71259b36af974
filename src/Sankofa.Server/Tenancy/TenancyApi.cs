using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;
using Sankofa.Server.Hosting;
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
            return ErrorProblems.Invalid(new() { [body is null ? "body" : "quota"] = ["Required."] });
        }

        var result = await tenancy.CreateTenantAsync(ProvisioningApi.Actor(context), body.Id, body.Name, body.Quota.ToTotals(), cancellationToken);
        return result.Error is { } error ? error.ToProblem() : TypedResults.Created($"/api/v1/tenants/{result.Value!.Id}", TenantResponse.From(result.Value));
    }

    private static async Task<Results<Ok<List<TenantResponse>>, ProblemHttpResult>> ListTenantsAsync(
        HttpContext context, TenancyQueries queries, CancellationToken cancellationToken)
    {
        var tenants = await queries.ListTenantsAsync(context.RequiredCaller(), cancellationToken);
        return tenants.Error is { } error ? error.ToProblem() : TypedResults.Ok(tenants.Value!.Select(TenantResponse.From).ToList());
    }

    private static async Task<Results<Ok<TenantResponse>, ProblemHttpResult>> GetTenantAsync(
        string id, HttpContext context, TenancyQueries queries, CancellationToken cancellationToken)
    {
        var tenant = await queries.GetTenantAsync(context.RequiredCaller(), id, cancellationToken);
        return tenant.Error is { } error ? error.ToProblem() : TypedResults.Ok(TenantResponse.From(tenant.Value!));
    }

    private static async Task<Results<Created<ProjectResponse>, ProblemHttpResult>> CreateProjectAsync(
        string tenantId, CreateTenancyBody? body, HttpContext context, TenancyService tenancy, CancellationToken cancellationToken)
    {
        if (body?.Quota is null)
        {
            return ErrorProblems.Invalid(new() { [body is null ? "body" : "quota"] = ["Required."] });
        }

        // A tenant the caller cannot see answers as the service answers a missing one.
        if (TenantAccess.Deny(context, Permission.ProjectsWrite, tenantId, Error.NotFound("tenantId", $"There is no tenant '{tenantId}'.")) is { } denied)
        {
            return denied;
        }

        var result = await tenancy.CreateProjectAsync(ProvisioningApi.Actor(context), tenantId, body.Id, body.Name, body.Quota.ToTotals(), cancellationToken);
        return result.Error is { } error ? error.ToProblem() : TypedResults.Created($"/api/v1/projects/{result.Value!.Id}", ProjectResponse.From(result.Value));
    }

    private static async Task<Results<Ok<List<ProjectResponse>>, ProblemHttpResult>> ListProjectsAsync(
        string tenantId, HttpContext context, TenancyQueries queries, CancellationToken cancellationToken)
    {
        var projects = await queries.ListProjectsAsync(context.RequiredCaller(), tenantId, cancellationToken);
        return projects.Error is { } error ? error.ToProblem() : TypedResults.Ok(projects.Value!.Select(ProjectResponse.From).ToList());
    }

    private static async Task<Results<Ok<ProjectResponse>, ProblemHttpResult>> GetProjectAsync(
        string id, HttpContext context, TenancyQueries queries, CancellationToken cancellationToken)
    {
        var project = await queries.GetProjectAsync(context.RequiredCaller(), id, cancellationToken);
        return project.Error is { } error ? error.ToProblem() : TypedResults.Ok(ProjectResponse.From(project.Value!));
    }
}
